"""A check in review holds nobody else up: the person moves to an application of their own,
which goes on once the officer decides; the others go on to payment."""

from __future__ import annotations

import pytest

from core.agencies.base import CourtRecordKind
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.models import Application, ApplicationEvent, CheckStatus
from core.applications.review import check_review_decide
from core.applications.services import application_create
from core.applications.states import State
from core.articles import Article, Relation
from core.households import Member, join
from tests import factories
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
WORKS = lambda p: p.fully_insured and not p.fines and p.valid_work_permit  # noqa: E731
CLEAN = lambda p: WORKS(p) and not p.court_records  # noqa: E731
BANNED = lambda p: WORKS(p) and p.court_records_only(CourtRecordKind.TRAVEL_BAN)  # noqa: E731
DEPORTED = lambda p: WORKS(p) and p.has_deportation_order  # noqa: E731


def renewal_of(*traits):
    company, [hr] = factories.company("Gulf Works")
    people = []
    for i, wanted in enumerate(traits):
        person = join(
            company,
            Member(
                factories.spec(name_en=f"Worker {i}"), Relation.EMPLOYEE, Article.PRIVATE_SECTOR, 30
            ),
        ).person
        give_profile(person, wanted)
        people.append(person)
    app = application_create(
        actor=hr,
        kind=RENEWAL.name,
        sponsor_id=company.pk,
        people=[PersonChoice(p.pk, 12) for p in people],
        submit=True,
    )
    return hr, people, app


def test_a_worker_in_review_moves_to_an_application_of_their_own():
    _, (clean, banned, other, deported), app = renewal_of(CLEAN, BANNED, CLEAN, DEPORTED)
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT  # not held up by the officer's review
    assert set(app.items.exclude(state=State.REJECTED).values_list("person_id", flat=True)) == {
        clean.pk,
        other.pk,
    }
    assert app.items.get(person=deported).state == State.REJECTED
    own = Application.objects.exclude(pk=app.pk).get()
    item = own.items.get()
    assert (own.state, own.kind, own.sponsor_id) == (State.CHECKING, "renewal", app.sponsor_id)
    assert item.person_id == banned.pk and item.checks.count() == 4  # the checks came along
    split = ApplicationEvent.objects.get(application=app, kind="split")
    assert split.detail == {"person_id": banned.pk, "application_id": own.pk}
    assert ApplicationEvent.objects.filter(application=own, to_state=State.CHECKING).exists()

    officer = factories.user(is_staff=True)
    review = item.checks.get(status=CheckStatus.REVIEW)
    check_review_decide(actor=officer, check_id=review.pk, clear=True, note="ban lifted")
    own.refresh_from_db()
    assert own.state == State.AWAITING_PAYMENT and own.amount_due > 0


def test_one_person_in_review_waits_on_their_own_application():
    _, _, app = renewal_of(BANNED)
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.CHECKING and Application.objects.count() == 1
