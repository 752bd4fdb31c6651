"""The renewals' tables now belong to the ``applications`` app (its ``0001``); this app lets go
of them in the state, touching nothing in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("renewals", "0002_document_requests"),
        ("applications", "0001_take_over_renewals"),
        ("payments", "0004_point_at_applications"),
        ("documents", "0002_point_at_applications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DocumentRequest"),
                migrations.DeleteModel(name="AgencyCheck"),
                migrations.DeleteModel(name="ApplicationEvent"),
                migrations.DeleteModel(name="RenewalItem"),
                migrations.DeleteModel(name="RenewalApplication"),
            ],
            database_operations=[],
        )
    ]
