"""Civil IDs in ASCII digits only (one spelling, so one person), names as on the civil ID, and
when each person joined a sponsor's file (documents archived before stay out of that sponsor's
sight). Dependents already on file keep seeing what they saw: they joined "at the start"."""

import datetime as dt
import unicodedata

import django.utils.timezone
from django.db import migrations, models

import core.validators

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _ascii(value: str) -> str:
    return "".join(
        str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in value.strip()
    )


def normalize_civil_ids(apps, schema_editor):
    Person = apps.get_model("core", "Person")
    for person in Person.objects.all().only("pk", "civil_id"):
        number = _ascii(person.civil_id)
        if number == person.civil_id:
            continue
        twin = Person.objects.filter(civil_id=number).exclude(pk=person.pk).first()
        if twin is not None:
            raise RuntimeError(
                f"People {person.pk} and {twin.pk} hold the same civil ID {number} in two "
                "spellings: merge them in the admin, then migrate again."
            )
        Person.objects.filter(pk=person.pk).update(civil_id=number)


def joined_at_the_start(apps, schema_editor):
    apps.get_model("core", "Dependent").objects.update(joined_at=EARLIEST)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dependent",
            name="joined_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(joined_at_the_start, migrations.RunPython.noop),
        migrations.RunPython(normalize_civil_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="name_ar",
            field=models.CharField(
                max_length=100,
                validators=[core.validators.validate_arabic_name],
                verbose_name="name (Arabic)",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="name_en",
            field=models.CharField(
                max_length=100,
                validators=[core.validators.validate_latin_name],
                verbose_name="name (Latin letters)",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("civil_id__regex", "^[0-9]{12}$")),
                name="civil_id_ascii_digits",
            ),
        ),
    ]
