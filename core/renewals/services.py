"""Writes on renewal applications: create, add people, choose durations, submit, cancel.

Every state change goes through ``application_transition`` (the one state machine), records an
``ApplicationEvent`` and is announced only after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import access
from core.errors import DomainError, DomainErrors, RenewalErrorCode
from core.events import announce_after_commit, application_changed
from core.models import Person, ResidencyPermit, Sponsor
from core.renewals import eligibility
from core.renewals.models import (
    AgencyCheck,
    ApplicationEvent,
    RenewalApplication,
    RenewalItem,
)
from core.renewals.states import EDITABLE_STATES, OPEN_STATES, State, may_move


@dataclass(frozen=True)
class PersonChoice:
    person_id: int | None
    months: int | None = None


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def record_event(
    application: RenewalApplication,
    *,
    actor: Any,
    kind: str,
    detail: dict,
    from_state: str = "",
    to_state: str = "",
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application,
        actor=_actor(actor),
        kind=kind,
        detail=detail,
        from_state=from_state,
        to_state=to_state,
    )
    announce_after_commit(
        application_changed,
        application_id=application.pk,
        sponsor_id=application.sponsor_id,
        kind=kind,
        event_id=event.pk,
    )
    return event


def application_transition(
    application: RenewalApplication, target: str, *, actor: Any, reason: str = ""
) -> RenewalApplication:
    """Move an application (and its live items) to ``target``, or refuse with WRONG_STATE."""
    if not may_move(application.state, target):
        raise DomainError(RenewalErrorCode.WRONG_STATE, None, {"state": application.state})
    before = application.state
    application.state = target
    if target == State.SUBMITTED:
        application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at", "updated_at"])
    items = application.items.exclude(state__in=[State.REJECTED, State.CANCELLED])
    closing = target not in OPEN_STATES
    items.update(state=target, **({"open_person": None} if closing else {}))
    record_event(
        application,
        actor=actor,
        kind="transition",
        from_state=before,
        to_state=target,
        detail={"reason": reason} if reason else {},
    )
    return application


def _owned_application(actor: Any, application_id: int | None) -> RenewalApplication:
    application = (
        RenewalApplication.objects.select_for_update()
        .filter(pk=application_id, sponsor__in=_sponsors_of(actor))
        .first()
    )
    if application is None:
        raise DomainError(RenewalErrorCode.NOT_FOUND, "applicationId")
    return application


def _editable_application(actor: Any, application_id: int | None) -> RenewalApplication:
    application = _owned_application(actor, application_id)
    if application.state not in EDITABLE_STATES:
        raise DomainError(RenewalErrorCode.WRONG_STATE, None, {"state": application.state})
    return application


def _sponsors_of(actor: Any):
    if access.is_back_office(actor):
        return Sponsor.objects.all()
    return access.represented_sponsors(actor)


def _add_items(application: RenewalApplication, people: Iterable[PersonChoice]) -> None:
    try:
        with transaction.atomic():
            _create_items(application, people)
    except IntegrityError as exc:  # lost a race for a person to another application
        raise DomainError(RenewalErrorCode.ALREADY_IN_OPEN_APPLICATION, "people") from exc


def _create_items(application: RenewalApplication, people: Iterable[PersonChoice]) -> None:
    today = timezone.localdate()
    errors: list[DomainError] = []
    sponsor = application.sponsor
    for index, choice in enumerate(people):
        field = f"people.{index}"
        # A person who does not exist and one who is not on this file answer alike: the
        # answer must not tell whether an id belongs to somebody.
        person = Person.objects.filter(
            pk=choice.person_id,
            sponsorships__sponsor=sponsor,
            sponsorships__ended_on__isnull=True,
        ).first()
        if person is None:
            errors.append(DomainError(RenewalErrorCode.NOT_YOUR_DEPENDENT, field))
            continue
        permit = (
            ResidencyPermit.objects.filter(
                holder=person, sponsor=sponsor, cancelled_at__isnull=True
            )
            .order_by("-expires_on")
            .first()
        )
        if permit is None:
            errors.append(DomainError(RenewalErrorCode.NO_PERMIT, field))
            continue
        if RenewalItem.objects.filter(open_person=person).exists():
            errors.append(DomainError(RenewalErrorCode.ALREADY_IN_OPEN_APPLICATION, field))
            continue
        for problem in eligibility.item_problems(
            permit=permit, sponsor=sponsor, months=choice.months, today=today
        ):
            problem.field = f"{field}.{problem.field}"
            errors.append(problem)
        if not errors:
            RenewalItem.objects.create(
                application=application,
                person=person,
                permit=permit,
                months=choice.months,
                open_person=person,
            )
    if errors:
        raise DomainErrors(errors)


@transaction.atomic
def renewal_create(
    *, actor: Any, sponsor_id: int | None, people: list[PersonChoice]
) -> RenewalApplication:
    sponsor = _sponsors_of(actor).filter(pk=sponsor_id).first()
    if sponsor is None:
        raise DomainError(RenewalErrorCode.NOT_FOUND, "sponsorId")
    if not people:
        raise DomainError(RenewalErrorCode.EMPTY_APPLICATION, "people")
    application = RenewalApplication.objects.create(sponsor=sponsor, created_by=_actor(actor))
    _add_items(application, people)
    record_event(application, actor=actor, kind="transition", to_state=State.DRAFT, detail={})
    return application


@transaction.atomic
def renewal_add_people(
    *, actor: Any, application_id: int | None, people: list[PersonChoice]
) -> RenewalApplication:
    application = _editable_application(actor, application_id)
    _add_items(application, people)
    return application


@transaction.atomic
def renewal_choose_duration(
    *, actor: Any, application_id: int | None, person_id: int | None, months: int
) -> RenewalApplication:
    application = _editable_application(actor, application_id)
    item = application.items.select_related("permit__holder").filter(person_id=person_id).first()
    if item is None:
        raise DomainError(RenewalErrorCode.UNKNOWN_PERSON, "personId")
    problems = eligibility.item_problems(
        permit=item.permit,
        sponsor=application.sponsor,
        months=months,
        today=timezone.localdate(),
    )
    if problems:
        raise DomainErrors(problems)
    item.months = months
    item.save(update_fields=["months"])
    return application


@transaction.atomic
def renewal_submit(*, actor: Any, application_id: int | None) -> RenewalApplication:
    """Validate every item again, then create one check per item per agency and start them."""
    from core.renewals import checks, documents

    application = _editable_application(actor, application_id)
    items = list(application.items.select_related("permit__holder"))
    if not items:
        raise DomainError(RenewalErrorCode.EMPTY_APPLICATION, "people")
    today = timezone.localdate()
    errors: list[DomainError] = []
    for item in items:
        if item.months is None:
            errors.append(DomainError(RenewalErrorCode.DURATION_REQUIRED, f"item.{item.person_id}"))
            continue
        errors += eligibility.item_problems(
            permit=item.permit, sponsor=application.sponsor, months=item.months, today=today
        )
    if errors:
        raise DomainErrors(errors)
    application_transition(application, State.SUBMITTED, actor=actor)
    documents.attach_and_report(application, actor=actor)
    created = [
        AgencyCheck.objects.create(item=item, agency=agency)
        for item in items
        for agency in eligibility.agencies_for(item.permit.article)
    ]
    application_transition(application, State.CHECKING, actor=actor)
    checks.schedule([check.pk for check in created])
    return application


@transaction.atomic
def renewal_cancel(*, actor: Any, application_id: int | None) -> RenewalApplication:
    application = _owned_application(actor, application_id)
    return application_transition(application, State.CANCELLED, actor=actor)
