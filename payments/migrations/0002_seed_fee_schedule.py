"""The fee schedule of Ministerial Decree 2249/2025 (payments/fee_seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from payments.fee_seed import seed_rows

    FeeRate = apps.get_model("payments", "FeeRate")
    if not FeeRate.objects.exists():
        FeeRate.objects.bulk_create(seed_rows(FeeRate))


def unseed(apps, schema_editor):
    from payments.fee_seed import DECREE_2249_2025, EFFECTIVE_FROM

    FeeRate = apps.get_model("payments", "FeeRate")
    FeeRate.objects.filter(legal_basis=DECREE_2249_2025, effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
