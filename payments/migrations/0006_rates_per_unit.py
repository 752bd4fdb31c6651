"""Rates are not all yearly: the amount of a rate, and of the rate a quote line used, is per
year, month, once or year of service (the following migration adds the rest)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_quotes_by_payment_round")]

    operations = [
        migrations.RemoveConstraint(model_name="feerate", name="fee_rate_not_negative"),
        migrations.RenameField(model_name="feerate", old_name="annual_amount", new_name="amount"),
        migrations.RenameField(
            model_name="quoteline", old_name="annual_rate", new_name="rate_amount"
        ),
    ]
