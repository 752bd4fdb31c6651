"""The preview: per person, eligible or why not, the durations allowed, the documents missing
and the itemised price — and not one write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import ChargeKind, Limit, PersonChoice
from core.applications.kinds.periods import months_within
from core.applications.models import Application, ApplicationItem
from core.articles import Profession
from core.documents.kinds import DocumentKind
from core.errors import DomainError
from core.models import ResidencyPermit
from payments.preview import application_preview
from tests import factories

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


def preview(h, *choices: PersonChoice, user=None):
    return application_preview(
        actor=user or h["user"], kind="renewal", sponsor_id=h["sponsor"].pk, people=list(choices)
    )


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_family_preview_answers_per_person_and_writes_nothing(household):
    h = household
    with CaptureQueriesContext(connection) as queries:
        result = preview(
            h,
            PersonChoice(h["wife"].pk, 12),
            PersonChoice(h["child"].pk),
            PersonChoice(h["maid"].pk, 6),
        )
    assert writes(queries.captured_queries) == []
    assert not Application.objects.exists() and not ApplicationItem.objects.exists()
    wife, child, _ = result.people
    assert all(p.eligible for p in result.people)
    assert [p.months for p in result.people] == [12, child.durations.max_months, 6]
    # The longest a child may get: bounded by the father's own residency (family join).
    own = ResidencyPermit.objects.get(holder=h["head"])
    start = h["permits"]["child"].expires_on
    assert child.durations.max_months == min(
        60, months_within(start, own.expires_on), months_within(start, h["child"].passport_expiry)
    )
    lines = {(p.index, line.kind): line for p in result.people for line in p.lines}
    assert lines[(0, ChargeKind.RESIDENCY_FEE)].amount == Decimal("20.000")
    assert lines[(2, ChargeKind.RESIDENCY_FEE)].amount == Decimal("50.000")  # expatriate home
    health = lines[(0, ChargeKind.HEALTH_INSURANCE)]
    assert health.provisional and health.amount == Decimal("100.000")
    assert result.provisional and result.total == sum(p.subtotal for p in result.people)
    # Nothing is in the archive yet: the photo and passport copy of each are missing.
    assert {m.kind for m in wife.missing} >= {
        DocumentKind.PERSONAL_PHOTO,
        DocumentKind.PASSPORT_COPY,
    }


def test_who_cannot_be_renewed_answers_why_and_tells_nothing_about_them(household, other_family):
    h = household
    result = preview(
        h,
        PersonChoice(other_family["wife"].pk, 12),  # another sponsor's
        PersonChoice(10**9, 12),  # nobody
        PersonChoice(h["wife"].pk, 61),
    )
    stranger, nobody, too_long = result.people
    assert stranger.item is None and nobody.item is None
    assert [e.code for e in stranger.problems] == [ApplicationErrorCode.NOT_YOUR_DEPENDENT]
    assert [(e.code, e.field) for e in stranger.problems] == [
        (e.code, e.field.replace("people.1", "people.0")) for e in nobody.problems
    ]
    assert not too_long.eligible
    assert [e.code for e in too_long.problems] == [ApplicationErrorCode.DURATION_TOO_LONG]
    assert too_long.problems[0].field == "people.2.months"


def test_another_sponsors_file_cannot_be_previewed(household, other_family):
    with pytest.raises(DomainError) as caught:
        preview(household, PersonChoice(household["wife"].pk, 12), user=other_family["user"])
    assert caught.value.code == ApplicationErrorCode.NOT_FOUND


def test_a_passport_expiring_soon_bounds_the_durations(household):
    h = household
    h["wife"].passport_expiry = h["permits"]["wife"].expires_on + dt.timedelta(days=100)
    h["wife"].save()
    [wife] = preview(h, PersonChoice(h["wife"].pk)).people
    assert wife.durations.max_months == 3 and wife.durations.limited_by == Limit.PASSPORT
    assert wife.months == 3 and wife.eligible


def test_family_join_salary_and_the_exempt_professions(household):
    """The regulations exempt listed professions from the salary: a public-sector teacher who
    earns less renews; an accountant does not (the earlier rule had no exemptions)."""
    h = household
    sponsor = h["sponsor"]
    sponsor.monthly_salary = Decimal("600.000")
    sponsor.profession = Profession.OTHER
    sponsor.save()
    [wife] = preview(h, PersonChoice(h["wife"].pk, 12)).people
    assert [e.code for e in wife.problems] == [ApplicationErrorCode.SALARY_BELOW_THRESHOLD]
    assert "800" in wife.problems[0].message_en

    sponsor.profession = Profession.DOCTOR  # exempt in any sector
    sponsor.save()
    assert preview(h, PersonChoice(h["wife"].pk, 12)).people[0].eligible

    sponsor.profession = Profession.TEACHER  # exempt only in the public sector (Art. 17)
    sponsor.save()
    assert not preview(h, PersonChoice(h["wife"].pk, 12)).people[0].eligible
    ResidencyPermit.objects.filter(holder=h["head"]).update(article=17)
    assert preview(h, PersonChoice(h["wife"].pk, 12)).people[0].eligible


def test_a_lapsed_permit_is_priced_with_its_overstay_fine(household):
    """The law's daily rate for the days past expiry, up to its cap (KD 2 a day for a
    residency not renewed); the simulator no longer draws residency fines at random."""
    h = household
    permit = h["permits"]["wife"]
    permit.expires_on = timezone.localdate() - dt.timedelta(days=10)
    permit.save()
    [wife] = preview(h, PersonChoice(h["wife"].pk, 12)).people
    [fine] = [line for line in wife.lines if line.kind == ChargeKind.OVERSTAY_FINE]
    assert fine.amount == Decimal("20.000") and "10 day" in fine.description_en
    assert fine.detail["legal_basis"].startswith("Decree-Law 114/2024")


def test_the_back_office_may_preview_any_file(household):
    officer = factories.user(is_staff=True)
    result = preview(household, PersonChoice(household["wife"].pk, 12), user=officer)
    assert result.people[0].eligible
