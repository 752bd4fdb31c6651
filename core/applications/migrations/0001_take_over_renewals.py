"""Applications were renewals only, in the ``renewals`` app; this app takes its tables over.

State only: the tables keep their names and columns here (the ``renewals`` app's migrations
made them), so existing data stays where it is. ``0002`` renames the tables and brings the
columns to the generic pipeline's shape, once the other apps point here
(``payments.0004``, ``documents.0002``) and ``renewals.0003`` has let go of them.
"""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("checking", "Checking"),
    ("waiting_for_documents", "Waiting for documents"),
    ("awaiting_payment", "Awaiting payment"),
    ("paid", "Paid"),
    ("issued", "Issued"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0002_names_civil_id_joined_at"),
        ("renewals", "0002_document_requests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Application",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("state", models.CharField(choices=STATES, default="draft", max_length=24)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("amount_due", models.DecimalField(blank=True, decimal_places=3, max_digits=10, null=True, verbose_name="amount due (KWD)")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ("sponsor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="applications", to="core.sponsor")),
            ],
            options={
                "db_table": "renewals_renewalapplication",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["sponsor", "state"], name="renewals_re_sponsor_1643c5_idx")],
            },
        ),
        migrations.CreateModel(
            name="ApplicationItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("months", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("state", models.CharField(choices=STATES, default="draft", max_length=24)),
                ("application", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="items", to="applications.application")),
                ("open_person", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.person")),
                ("permit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="application_items", to="core.residencypermit")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="application_items", to="core.person")),
            ],
            options={
                "db_table": "renewals_renewalitem",
                "ordering": ["id"],
                "constraints": [models.UniqueConstraint(fields=("open_person",), name="one_open_renewal_per_person")],
            },
        ),
        migrations.CreateModel(
            name="AgencyCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("agency", models.CharField(choices=[("health", "Ministry of Health insurance"), ("fines", "Traffic and residency fines"), ("courts", "Courts"), ("manpower", "Manpower Authority work permit")], max_length=12)),
                ("status", models.CharField(choices=[("pending", "Pending"), ("running", "Running"), ("retrying", "Waiting to retry"), ("clear", "Clear"), ("review", "Needs review"), ("blocked", "Blocked")], default="pending", max_length=10)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("detail_en", models.CharField(blank=True, max_length=500)),
                ("detail_ar", models.CharField(blank=True, max_length=500)),
                ("amount", models.DecimalField(decimal_places=3, default=Decimal("0.000"), max_digits=10)),
                ("facts", models.JSONField(blank=True, default=dict)),
                ("last_error", models.CharField(blank=True, max_length=300)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="checks", to="applications.applicationitem")),
            ],
            options={
                "db_table": "renewals_agencycheck",
                "ordering": ["id"],
                "indexes": [models.Index(fields=["status", "next_attempt_at"], name="renewals_ag_status_aae021_idx")],
                "constraints": [models.UniqueConstraint(fields=("item", "agency"), name="one_check_per_agency")],
            },
        ),
        migrations.CreateModel(
            name="ApplicationEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("kind", models.CharField(max_length=20)),
                ("from_state", models.CharField(blank=True, max_length=24)),
                ("to_state", models.CharField(blank=True, max_length=24)),
                ("detail", models.JSONField(blank=True, default=dict)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ("application", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="history", to="applications.application")),
            ],
            options={
                "db_table": "renewals_applicationevent",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["application", "at"], name="renewals_ap_applica_dea90e_idx")],
            },
        ),
        migrations.CreateModel(
            name="DocumentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=24)),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("fulfilled_at", models.DateTimeField(blank=True, null=True)),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="document_requests", to="applications.applicationitem")),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.person")),
                ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "db_table": "renewals_documentrequest",
                "ordering": ["id"],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])
    ]
