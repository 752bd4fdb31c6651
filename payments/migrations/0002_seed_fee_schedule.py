"""The fee schedule the database was first seeded with (frozen here as it was: migration 0007
dates it and adds the regulations' tables, payments/fee_seed.py)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SEEDED_AS = "Ministerial Decree 2249/2025"
FROM = dt.date(2025, 1, 1)
RATES = (
    ("residency", 17, "", None, "20.000"),
    ("residency", 18, "", None, "20.000"),
    ("residency", 20, "", None, "10.000"),
    ("residency", 19, "", None, "50.000"),
    ("residency", 24, "", None, "500.000"),
    ("residency", 22, "spouse", None, "20.000"),
    ("residency", 22, "child", None, "20.000"),
    ("residency", 22, "", 19, "40.000"),
    ("residency", 22, "", 24, "100.000"),
    ("health_insurance", None, "", None, "100.000"),
)


def seed(apps, schema_editor):
    FeeRate = apps.get_model("payments", "FeeRate")
    if not FeeRate.objects.exists():
        FeeRate.objects.bulk_create(
            FeeRate(
                kind=kind,
                article=article,
                relation=relation,
                sponsor_article=sponsor_article,
                annual_amount=Decimal(amount),
                effective_from=FROM,
                legal_basis=SEEDED_AS,
            )
            for kind, article, relation, sponsor_article, amount in RATES
        )


def unseed(apps, schema_editor):
    FeeRate = apps.get_model("payments", "FeeRate")
    FeeRate.objects.filter(legal_basis=SEEDED_AS, effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
