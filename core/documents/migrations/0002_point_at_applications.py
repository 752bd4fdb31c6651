"""A document's use points at the generic application item (the same table:
``applications.0001`` took the renewals' over). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("applications", "0001_take_over_renewals"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="documentuse",
            name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="document_uses", to="applications.applicationitem"),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])
    ]
