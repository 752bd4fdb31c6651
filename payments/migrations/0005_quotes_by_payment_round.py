"""A quote prices one round of its application awaiting payment (``Application.payment_round``)
instead of naming the transition event that began it; a quote line's kind is a ``ChargeKind``."""

from django.db import migrations, models


def rounds_of_existing_quotes(apps, schema_editor):
    Quote = apps.get_model("payments", "Quote")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    for quote in Quote.objects.all().only("pk", "application_id", "basis_event_id"):
        rounds = ApplicationEvent.objects.filter(
            application_id=quote.application_id,
            kind="transition",
            to_state="awaiting_payment",
            pk__lte=quote.basis_event_id,
        ).count()
        Quote.objects.filter(pk=quote.pk).update(payment_round=rounds)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_point_at_applications"),
        ("applications", "0002_generic_pipeline"),
    ]

    operations = [
        migrations.AddField(
            model_name="quote",
            name="payment_round",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The application's round of awaiting payment this quote prices.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(rounds_of_existing_quotes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="quote", name="basis_event_id"),
        migrations.AlterField(
            model_name="quoteline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("residency_fee", "RESIDENCY_FEE"),
                    ("health_insurance", "HEALTH_INSURANCE"),
                    ("fines", "FINES"),
                ],
                max_length=20,
            ),
        ),
    ]
