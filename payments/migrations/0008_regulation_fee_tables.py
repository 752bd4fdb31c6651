"""Date the first seeded schedule (it was the schedule before the regulations, not theirs) and
add the regulations' fee tables from 23 December 2025 (payments/fee_seed.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    from payments.fee_seed import (
        EARLIER,
        EARLIER_FROM,
        EARLIER_SEEDED_AS,
        regulation_rows,
    )
    from core.law.published import REGULATIONS_IN_FORCE

    FeeRate = apps.get_model("payments", "FeeRate")
    QuoteLine = apps.get_model("payments", "QuoteLine")
    FeeRate.objects.filter(
        legal_basis=EARLIER_SEEDED_AS, effective_from=EARLIER_FROM, effective_until__isnull=True
    ).update(effective_until=REGULATIONS_IN_FORCE, legal_basis=EARLIER)
    if not FeeRate.objects.filter(effective_from__gte=REGULATIONS_IN_FORCE).exists():
        FeeRate.objects.bulk_create(regulation_rows(FeeRate))
    QuoteLine.objects.filter(rate_amount__isnull=False, rate_per="").update(rate_per="year")


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_fee_schedule_by_household_and_unit")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
