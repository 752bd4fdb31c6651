"""Listening to applications: one rejected or cancelled after its payment was captured gets its
money back, whatever path closed it. The event says where the application went; nothing is
read back to learn it."""

from __future__ import annotations

import logging
from typing import Any

from core.applications.states import State
from core.events import ApplicationEventKind, ApplicationMessage, application_changed
from payments.refunds import refunds_for_closed_application

logger = logging.getLogger(__name__)


def _on_application_changed(sender: Any, *, message: ApplicationMessage, **_: Any) -> None:
    """Runs after the transition committed (``announce_after_commit``)."""
    if message.kind != ApplicationEventKind.TRANSITION:
        return
    if message.to_state not in (State.REJECTED, State.CANCELLED):
        return
    try:
        refunds_for_closed_application(message.application_id, source="rejection")
    except Exception:  # reconciliation finds it again
        logger.exception(
            "refunding application %s after its rejection failed", message.application_id
        )


def connect() -> None:
    application_changed.connect(_on_application_changed, dispatch_uid="payments.refunds")
