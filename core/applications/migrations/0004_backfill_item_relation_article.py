"""Existing items: the article of the permit they renew, and the person's relation to the
sponsor (``self`` for the sponsor's own residency), as the services now fix them on adding."""

from django.db import migrations


def backfill(apps, schema_editor):
    Item = apps.get_model("applications", "ApplicationItem")
    Dependent = apps.get_model("core", "Dependent")
    for item in Item.objects.select_related("permit", "application__sponsor").iterator():
        sponsor = item.application.sponsor
        if sponsor.person_id == item.person_id:
            relation = "self"
        else:
            ties = Dependent.objects.filter(sponsor_id=sponsor.pk, person_id=item.person_id)
            tie = ties.filter(ended_on__isnull=True).first() or ties.order_by("-id").first()
            relation = tie.relation if tie else ""
        item.relation = relation
        item.article = item.permit.article if item.permit_id else None
        item.save(update_fields=["relation", "article"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_item_relation_article"), ("core", "0003_visitors_grounds_profession")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
