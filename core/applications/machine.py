"""Moving an application through the state machine (``core.applications.states``): the one
place that changes an application's state."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.applications.errors import ApplicationErrorCode
from core.applications.history import record_event
from core.applications.models import Application
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
    if not may_move(application.state, target):
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": application.state})
    before = application.state
    application.state = target
    if target == State.SUBMITTED:
        application.submitted_at = timezone.now()
    if not passing:
        application.save(update_fields=["state", "submitted_at", "updated_at"])
        closing = target not in OPEN_STATES
        application.items.exclude(state__in=GONE_ITEM_STATES).update(
            state=target, **({"open_person": None} if closing else {})
        )
    record_event(
        application,
        actor=actor,
        kind=ApplicationEventKind.TRANSITION,
        from_state=before,
        to_state=target,
        detail={"reason": reason} if reason else {},
    )
    return application
