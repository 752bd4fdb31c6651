"""Quotes, payments and agency reports point at the generic application and its items (the
same tables: ``applications.0001`` took the renewals' over). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_ledger_append_only"),
        ("applications", "0001_take_over_renewals"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="quote",
            name="application",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="quotes", to="applications.application"),
        ),
        migrations.AlterField(
            model_name="quoteline",
            name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="applications.applicationitem"),
        ),
        migrations.AlterField(
            model_name="payment",
            name="application",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="payments", to="applications.application"),
        ),
        migrations.AlterField(
            model_name="agencyreport",
            name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="applications.applicationitem"),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])
    ]
