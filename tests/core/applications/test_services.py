"""Renewal services without GraphQL: rules, state machine, typed errors, no partial writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.applications.errors import ApplicationErrorCode
from core.applications.models import AgencyCheck, Application, ApplicationEvent
from core.applications.services import (
    PersonChoice,
    application_add_people,
    application_cancel,
    application_choose_duration,
    application_create,
    application_submit,
)
from core.applications.states import TRANSITIONS, State, may_move
from core.errors import DomainError, DomainErrors
from tests import factories

pytestmark = pytest.mark.django_db


def create(h, *choices, user=None):
    return application_create(
        kind="renewal", actor=user or h["user"], sponsor_id=h["sponsor"].pk, people=list(choices)
    )


def codes(exc) -> list[str]:
    items = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [e.code for e in items]


def test_a_family_renewal_from_draft_to_checking(household):
    h = household
    app = create(h, PersonChoice(h["wife"].pk, 12), PersonChoice(h["child"].pk))
    assert app.state == State.DRAFT
    application_add_people(
        actor=h["user"], application_id=app.pk, people=[PersonChoice(h["maid"].pk, 24)]
    )
    application_choose_duration(
        actor=h["user"], application_id=app.pk, person_id=h["child"].pk, months=12
    )
    application_submit(actor=h["user"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.CHECKING
    assert app.items.filter(state=State.CHECKING).count() == 3
    assert AgencyCheck.objects.filter(item__application=app).count() == 9  # 3 people × 3
    history = list(app.history.filter(kind="transition").values_list("to_state", flat=True))
    assert history == [State.DRAFT, State.SUBMITTED, State.CHECKING]
    assert all(e.actor == h["user"] for e in app.history.filter(to_state=State.SUBMITTED))


def test_article_18_items_are_checked_by_the_manpower_authority_too(db):
    company, (hr,) = factories.company()
    worker = factories.dependent(company, "employee")
    factories.permit(worker, company, article=18, days_left=30)
    app = application_create(
        kind="renewal", actor=hr, sponsor_id=company.pk, people=[PersonChoice(worker.pk, 24)]
    )
    application_submit(actor=hr, application_id=app.pk)
    agencies = set(AgencyCheck.objects.values_list("agency", flat=True))
    assert agencies == {"health", "fines", "courts", "manpower"}


def test_duration_beyond_the_article_maximum(household):
    h = household
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(h["maid"].pk, 61))
    [error] = caught.value.errors
    assert error.code == ApplicationErrorCode.DURATION_TOO_LONG
    assert error.message_en == "Article 20 allows at most 60 months."
    assert "60" in error.message_ar
    assert not Application.objects.exists()  # no partial write


def test_the_new_expiry_may_not_pass_the_passport(household):
    h = household
    h["wife"].passport_expiry = timezone.localdate() + dt.timedelta(days=200)
    h["wife"].save()
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(h["wife"].pk, 12))
    assert codes(caught.value) == [ApplicationErrorCode.PASSPORT_TOO_SHORT]


def test_unknown_and_foreign_people_answer_alike(household, other_family):
    """Whether an id is somebody's must not show: a missing person and another sponsor's
    answer the same."""
    h = household
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(10**9, 12), PersonChoice(other_family["wife"].pk, 12))
    assert codes(caught.value) == [
        ApplicationErrorCode.NOT_YOUR_DEPENDENT,
        ApplicationErrorCode.NOT_YOUR_DEPENDENT,
    ]
    assert [e.field for e in caught.value.errors] == ["people.0", "people.1"]
    missing, foreign = caught.value.errors
    assert (missing.message_en, missing.message_ar) == (foreign.message_en, foreign.message_ar)


@pytest.mark.parametrize("months", [-1, 0])
def test_no_duration_below_a_month(household, months):
    with pytest.raises(DomainErrors) as caught:
        create(household, PersonChoice(household["wife"].pk, months))
    assert codes(caught.value) == [ApplicationErrorCode.DURATION_TOO_SHORT]


def test_a_person_is_in_one_open_application_only(household):
    h = household
    first = create(h, PersonChoice(h["wife"].pk, 12))
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(h["wife"].pk, 12))
    assert codes(caught.value) == [ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION]
    application_cancel(actor=h["user"], application_id=first.pk)
    assert create(h, PersonChoice(h["wife"].pk, 12)).state == State.DRAFT


def test_renewal_window_and_grace_period(household, settings):
    h = household
    factories.permit(h["child"], h["sponsor"], 22, days_left=200)  # too early
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(h["child"].pk, 12))
    assert codes(caught.value) == [ApplicationErrorCode.NOT_YET_RENEWABLE]
    late = factories.dependent(h["sponsor"], "child", name_en="Late")
    factories.permit(late, h["sponsor"], 22, days_left=-61)
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(late.pk, 12))
    assert codes(caught.value) == [ApplicationErrorCode.EXPIRED_BEYOND_GRACE]
    settings.RENEWAL_RULES = {**settings.RENEWAL_RULES, "GRACE_DAYS": 90}
    assert create(h, PersonChoice(late.pk, 12)).state == State.DRAFT


def test_family_join_needs_salary_and_the_sponsors_own_residency(household):
    h = household
    h["sponsor"].monthly_salary = "799.999"
    h["sponsor"].save()
    with pytest.raises(DomainErrors) as caught:
        create(h, PersonChoice(h["wife"].pk, 40))
    assert set(codes(caught.value)) == {
        ApplicationErrorCode.SALARY_BELOW_THRESHOLD,
        ApplicationErrorCode.SPONSOR_PERMIT_TOO_SHORT,
    }


def test_submit_needs_every_duration(household):
    h = household
    app = create(h, PersonChoice(h["wife"].pk))
    with pytest.raises(DomainErrors) as caught:
        application_submit(actor=h["user"], application_id=app.pk)
    assert codes(caught.value) == [ApplicationErrorCode.DURATION_REQUIRED]
    app.refresh_from_db()
    assert app.state == State.DRAFT
    assert not AgencyCheck.objects.exists()


def test_wrong_state_is_a_typed_error(household):
    h = household
    app = create(h, PersonChoice(h["wife"].pk, 12))
    application_submit(actor=h["user"], application_id=app.pk)
    for call in (
        lambda: application_submit(actor=h["user"], application_id=app.pk),
        lambda: application_add_people(
            actor=h["user"], application_id=app.pk, people=[PersonChoice(h["child"].pk, 12)]
        ),
        lambda: application_choose_duration(
            actor=h["user"], application_id=app.pk, person_id=h["wife"].pk, months=6
        ),
    ):
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code == ApplicationErrorCode.WRONG_STATE
        assert "checking" in caught.value.message_en
    application_cancel(actor=h["user"], application_id=app.pk)
    with pytest.raises(DomainError):
        application_cancel(actor=h["user"], application_id=app.pk)


def test_another_sponsor_cannot_touch_my_application(household, other_family):
    h = household
    app = create(h, PersonChoice(h["wife"].pk, 12))
    for call in (application_submit, application_cancel):
        with pytest.raises(DomainError) as caught:
            call(actor=other_family["user"], application_id=app.pk)
        assert caught.value.code == ApplicationErrorCode.NOT_FOUND
    with pytest.raises(DomainError):
        create(h, PersonChoice(h["wife"].pk, 12), user=other_family["user"])
    app.refresh_from_db()
    assert app.state == State.DRAFT
    assert ApplicationEvent.objects.filter(application=app).count() == 1


def test_the_state_machine_is_closed():
    for state in State:
        assert state in TRANSITIONS
        for target in TRANSITIONS[state]:
            assert target in State.values
    assert not may_move(State.DRAFT, State.PAID)
    assert not may_move(State.ISSUED, State.CANCELLED)
    assert may_move(State.CHECKING, State.AWAITING_PAYMENT)
