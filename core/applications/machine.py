"""Moving an application through the state machine (``core.applications.states``): the one
place that changes an application's state."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.applications.errors import ApplicationErrorCode
from core.applications.history import record_event
from core.applications.models import Application, ApplicationItem
from core.applications.states import GONE_ITEM_STATES, OPEN_STATES, State, may_move
from core.errors import DomainError
from core.events import ApplicationEventKind


def application_transition(
    application: Application,
    target: str,
    *,
    actor: Any,
    reason: str = "",
    passing: bool = False,
) -> Application:
    """Move an application (and its live items) to ``target``, or refuse with WRONG_STATE.
    Call with the application's row locked. ``passing``: a state it only passes through in
    this transaction on its way to another, recorded in the history but written with the
    next transition (which must follow before the transaction ends)."""
    applications_transition([application], target, actor=actor, reason=reason, passing=passing)
    return application


def applications_transition(
    applications: list[Application],
    target: str,
    *,
    actor: Any,
    reason: str = "",
    passing: bool = False,
) -> None:
    """``application_transition`` for several applications at once (a worker's batch): all
    move, or none (WRONG_STATE); written in two statements whatever their number. Only one
    at a time is submitted (its time is written with it)."""
    for application in applications:
        if not may_move(application.state, target):
            state = {"state": application.state}
            raise DomainError(ApplicationErrorCode.WRONG_STATE, None, state)
    now = timezone.now()
    moved = []
    for application in applications:
        moved.append((application, application.state))
        application.state = target
        application.updated_at = now
        if target == State.SUBMITTED:
            application.submitted_at = now
    if not passing and applications:
        ids = [application.pk for application in applications]
        if len(applications) == 1:  # with its submission's time, maybe set while passing
            applications[0].save(update_fields=["state", "submitted_at", "updated_at"])
        else:
            Application.objects.filter(pk__in=ids).update(state=target, updated_at=now)
        closing = target not in OPEN_STATES
        ApplicationItem.objects.filter(application_id__in=ids).exclude(
            state__in=GONE_ITEM_STATES
        ).update(state=target, **({"open_person": None} if closing else {}))
    for application, before in moved:
        record_event(
            application,
            actor=actor,
            kind=ApplicationEventKind.TRANSITION,
            from_state=before,
            to_state=target,
            detail={"reason": reason} if reason else {},
        )
