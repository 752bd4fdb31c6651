"""The provisions the database starts with (core/law/published.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.law.published import load

    load(lambda app, name: apps.get_model(app, name))


def unseed(apps, schema_editor):
    from core.law.published import TABLES

    for model, _ in TABLES:
        apps.get_model("law", model.__name__).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("law", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
