"""Listening to the renewals: an application rejected or cancelled after its payment was
captured gets its money back, whatever path rejected it."""

from __future__ import annotations

import logging
from typing import Any

from core.events import application_changed
from core.renewals.models import ApplicationEvent
from core.renewals.states import State

logger = logging.getLogger(__name__)


def _on_application_changed(
    sender: Any, *, application_id: int, kind: str, event_id: int, **_: Any
) -> None:
    """Runs after the transition committed (``announce_after_commit``)."""
    if kind != "transition":
        return
    to_state = (
        ApplicationEvent.objects.filter(pk=event_id).values_list("to_state", flat=True).first()
    )
    if to_state not in (State.REJECTED, State.CANCELLED):
        return
    from payments.services import refunds_for_closed_application

    try:
        refunds_for_closed_application(application_id, source="rejection")
    except Exception:  # reconciliation finds it again
        logger.exception("refunding application %s after its rejection failed", application_id)


def connect() -> None:
    application_changed.connect(_on_application_changed, dispatch_uid="payments.refunds")
