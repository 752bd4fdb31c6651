"""Art. 17 (work in the government sector) covers the staff of embassies, consulates and
diplomatic missions too: a mission is a sponsor kind of its own since core/0005."""

from django.db import migrations

GOVERNMENT_SECTOR = 17


def missions_sponsor_under_article_17(apps, schema_editor):
    ArticleTerm = apps.get_model("law", "ArticleTerm")
    for term in ArticleTerm.objects.filter(article=GOVERNMENT_SECTOR):
        kinds = list(term.sponsor_kinds or [])
        if "government" in kinds and "mission" not in kinds:
            term.sponsor_kinds = [*kinds, "mission"]
            term.save(update_fields=["sponsor_kinds"])


def back(apps, schema_editor):
    ArticleTerm = apps.get_model("law", "ArticleTerm")
    for term in ArticleTerm.objects.filter(article=GOVERNMENT_SECTOR):
        term.sponsor_kinds = [kind for kind in term.sponsor_kinds or [] if kind != "mission"]
        term.save(update_fields=["sponsor_kinds"])


class Migration(migrations.Migration):
    dependencies = [("law", "0003_transfer_consent_and_fee"), ("core", "0005_staff_scopes_tokens_audit_missions")]

    operations = [migrations.RunPython(missions_sponsor_under_article_17, back)]
