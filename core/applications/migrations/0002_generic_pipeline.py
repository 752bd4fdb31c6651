"""The renewals' tables become the generic pipeline's: renamed, every application of kind
``renewal``, an item's permit optional (other kinds are about no permit), each event with the
state it describes, each application's rounds of awaiting payment counted (a quote prices one
round), a health check's ``amount`` no longer a price (what an agency says is owed: fines only),
and queued agency checks pointed at the task's new home."""

import django.db.models.deletion
from django.db import migrations, models

OLD_TASK = "core.renewals.checks.run_agency_check"
NEW_TASK = "core.applications.checks.run_agency_check"


def facts_of_the_past(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    AgencyCheck = apps.get_model("applications", "AgencyCheck")
    ApplicationEvent.objects.filter(kind="transition").update(state=models.F("to_state"))
    for application in Application.objects.all().only("pk"):
        rounds = ApplicationEvent.objects.filter(
            application_id=application.pk, kind="transition", to_state="awaiting_payment"
        ).count()
        Application.objects.filter(pk=application.pk).update(payment_round=rounds)
    AgencyCheck.objects.filter(agency="health").update(amount=0)


def tasks_to_their_new_home(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD_TASK).update(task_path=NEW_TASK)


def tasks_back(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=NEW_TASK).update(task_path=OLD_TASK)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_take_over_renewals"),
        ("core", "0002_names_civil_id_joined_at"),
        ("renewals", "0003_handed_over_to_applications"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.AlterModelTable(name="application", table=None),
        migrations.AlterModelTable(name="applicationitem", table=None),
        migrations.AlterModelTable(name="agencycheck", table=None),
        migrations.AlterModelTable(name="applicationevent", table=None),
        migrations.AlterModelTable(name="documentrequest", table=None),
        migrations.RenameIndex(
            model_name="application",
            new_name="application_sponsor_state",
            old_name="renewals_re_sponsor_1643c5_idx",
        ),
        migrations.RenameIndex(
            model_name="agencycheck",
            new_name="check_status_due",
            old_name="renewals_ag_status_aae021_idx",
        ),
        migrations.RenameIndex(
            model_name="applicationevent",
            new_name="event_application_at",
            old_name="renewals_ap_applica_dea90e_idx",
        ),
        migrations.RemoveConstraint(
            model_name="applicationitem", name="one_open_renewal_per_person"
        ),
        migrations.AddConstraint(
            model_name="applicationitem",
            constraint=models.UniqueConstraint(
                fields=("open_person",), name="one_open_application_per_person"
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="kind",
            field=models.CharField(
                default="renewal",
                help_text="Which service: a kind in core.applications.kinds.",
                max_length=24,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="application",
            name="payment_round",
            field=models.PositiveIntegerField(
                default=0,
                help_text="How many times it has started awaiting payment: a quote is for one round.",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="amount_due",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="The total of its current quote, once it awaits payment.",
                max_digits=10,
                null=True,
                verbose_name="amount due (KWD)",
            ),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="amount_due",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=10, null=True),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="state",
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("transition", "TRANSITION"),
                    ("check", "CHECK"),
                    ("review", "REVIEW"),
                    ("documents", "DOCUMENTS"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="agencycheck",
            name="amount",
            field=models.DecimalField(
                decimal_places=3,
                default=0,
                help_text="What the agency says is owed to it (unpaid fines); never a price of ours.",
                max_digits=10,
                verbose_name="owed to the agency (KWD)",
            ),
        ),
        migrations.AlterField(
            model_name="applicationitem",
            name="permit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="application_items",
                to="core.residencypermit",
            ),
        ),
        migrations.RunPython(facts_of_the_past, migrations.RunPython.noop),
        migrations.RunPython(tasks_to_their_new_home, tasks_back),
    ]
