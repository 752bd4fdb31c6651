"""A transfer term says whether the holder consents and whether a transfer fee is charged."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from core.law.published import TRANSFER_TERMS

    TransferTerm = apps.get_model("law", "TransferTerm")
    for row in TRANSFER_TERMS:
        TransferTerm.objects.filter(
            from_article=row["from_article"],
            to_article=row["to_article"],
            effective_from=row["effective_from"],
        ).update(holder_consent=row["holder_consent"], transfer_fee=row["transfer_fee"])


class Migration(migrations.Migration):
    dependencies = [("law", "0002_published_provisions")]

    operations = [
        migrations.AddField(
            model_name="transferterm",
            name="holder_consent",
            field=models.BooleanField(
                default=True, help_text="Whether the holder must consent (signed in as themself)."
            ),
        ),
        migrations.AddField(
            model_name="transferterm",
            name="transfer_fee",
            field=models.BooleanField(
                default=False,
                help_text="Whether a transfer fee is charged (its amount: the fee schedule's "
                "transfer rates); the new article's residency fee is charged either way.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
