"""An application's history: every step written as an ``ApplicationEvent`` and announced, with
what listeners need, once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.applications.models import AgencyCheck, Application, ApplicationEvent
from core.applications.streams import message_of, next_positions
from core.events import (
    ApplicationEventKind,
    announce_after_commit,
    application_changed,
    application_recorded,
)
from core.request_id import current_request_id


def actor_or_none(actor: Any) -> Any:
    """The user to record, or None for the system (and for anonymous callers)."""
    return actor if getattr(actor, "pk", None) else None


def record_event(
    application: Application,
    *,
    actor: Any,
    kind: ApplicationEventKind,
    detail: dict[str, Any],
    from_state: str = "",
    to_state: str = "",
) -> ApplicationEvent:
    """Write one step, with the state it describes, the amount due then and its place in the
    application's and the sponsor's streams (``streams``), and announce it after commit
    (``core.events.ApplicationMessage``)."""
    # The caller's transaction (no savepoint), or one of its own when called outside any: the
    # stream numbers must be taken and the event written before the same commit, and what the
    # listeners of ``application_recorded`` owe others about it (the webhook outbox) with them.
    with transaction.atomic(savepoint=False):
        sequence, sponsor_sequence = next_positions(application.pk, application.sponsor_id)
        event = ApplicationEvent.objects.create(
            application=application,
            sequence=sequence,
            sponsor_id=application.sponsor_id,
            sponsor_sequence=sponsor_sequence,
            actor=actor_or_none(actor),
            kind=kind,
            state=application.state,
            amount_due=application.amount_due,
            detail=detail,
            from_state=from_state,
            to_state=to_state,
            request_id=current_request_id(),
        )
        message = message_of(event, application, _holders(application, detail))
        application_recorded.send(sender=None, message=message)
    announce_after_commit(application_changed, message)
    return event


def _holders(application: Application, detail: dict[str, Any]) -> tuple[int, ...]:
    """The people with a login this event is about: the checked person for a check event,
    else everyone on the application."""
    items = application.items.filter(person__user__isnull=False)
    if "person_id" in detail:
        items = items.filter(person_id=detail["person_id"])
    return tuple(items.values_list("person_id", flat=True))


def check_event_detail(check: AgencyCheck) -> dict[str, Any]:
    return {
        "check_id": check.pk,
        "person_id": check.item.person_id,
        "agency": check.agency,
        "status": check.status,
        "attempts": check.attempts,
        "amount": f"{check.amount:.3f}",
        "detail_en": check.detail_en,
        "detail_ar": check.detail_ar,
    }


def announce_check(
    check: AgencyCheck,
    *,
    actor: Any = None,
    kind: ApplicationEventKind = ApplicationEventKind.CHECK,
) -> ApplicationEvent:
    """Put a check's new status in its application's history (and so on the websocket)."""
    return record_event(
        check.item.application, actor=actor, kind=kind, detail=check_event_detail(check)
    )
