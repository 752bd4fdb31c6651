"""An application's history: every step written as an ``ApplicationEvent`` and announced, with
what listeners need, once the transaction commits."""

from __future__ import annotations

from typing import Any

from core.applications.models import AgencyCheck, Application, ApplicationEvent
from core.events import (
    ApplicationEventKind,
    ApplicationMessage,
    announce_after_commit,
    application_changed,
)


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
    """Write one step, with the state it describes and the amount due then, and announce it
    after commit (``core.events.ApplicationMessage``)."""
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor_or_none(actor),
        kind=kind,
        state=application.state,
        amount_due=application.amount_due,
        detail=detail,
        from_state=from_state,
        to_state=to_state,
    )
    announce_after_commit(
        application_changed, message_of(event, application, _holders(application, detail))
    )
    return event


def _holders(application: Application, detail: dict[str, Any]) -> tuple[int, ...]:
    """The people with a login this event is about: the checked person for a check event,
    else everyone on the application."""
    items = application.items.filter(person__user__isnull=False)
    if "person_id" in detail:
        items = items.filter(person_id=detail["person_id"])
    return tuple(items.values_list("person_id", flat=True))


def message_of(
    event: ApplicationEvent, application: Application, holder_ids: tuple[int, ...] = ()
) -> ApplicationMessage:
    return ApplicationMessage(
        application_id=application.pk,
        application_kind=application.kind,
        sponsor_id=application.sponsor_id,
        event_id=event.pk,
        kind=ApplicationEventKind(event.kind),
        at=event.at.isoformat(),
        state=event.state,
        amount_due=None if event.amount_due is None else f"{event.amount_due:.3f}",
        from_state=event.from_state,
        to_state=event.to_state,
        detail=event.detail,
        holder_ids=holder_ids,
    )


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
