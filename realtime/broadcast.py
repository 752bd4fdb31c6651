"""Fan domain events out to websocket subscribers through the channel layer.

The domain announces events only after commit (``core.events``); this module turns each into a
``group_send``, which channels-redis delivers to every daphne process with a subscriber.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from core.events import application_changed, permit_changed
from core.renewals.models import ApplicationEvent, RenewalApplication
from realtime.groups import (
    APPLICATION_CHANGED,
    PERMIT_CHANGED,
    application_group,
    permit_group,
    sponsor_applications_group,
)

logger = logging.getLogger(__name__)


def send_to_group(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    # ``group``: a websocket gets every message of a type once per group it is in, and hands it
    # to each of its subscriptions of that type; each keeps those of its own groups.
    message = {**message, "group": group, "sent_at": time.time()}
    async_to_sync(layer.group_send)(group, message)


def _on_permit_changed(sender: Any, *, permit_id: int, kind: str, change_id: int, **_: Any) -> None:
    send_to_group(
        permit_group(permit_id),
        {"type": PERMIT_CHANGED, "permit_id": permit_id, "kind": kind, "change_id": change_id},
    )


def application_message(*, application_id: int, event_id: int) -> dict[str, Any] | None:
    """Everything a subscriber shows of one application event, so that delivering it to a
    thousand subscribers costs no query on their side."""
    event = ApplicationEvent.objects.filter(pk=event_id).first()
    application = (
        RenewalApplication.objects.filter(pk=application_id).values("state", "amount_due").first()
    )
    if event is None or application is None:
        return None
    amount_due = application["amount_due"]
    return {
        "type": APPLICATION_CHANGED,
        "application_id": application_id,
        "state": application["state"],
        "amount_due": None if amount_due is None else str(amount_due),
        "event": {
            "id": event.pk,
            "at": event.at.isoformat(),
            "kind": event.kind,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "detail": event.detail,
        },
    }


def _on_application_changed(
    sender: Any, *, application_id: int, sponsor_id: int, event_id: int, **_: Any
) -> None:
    message = application_message(application_id=application_id, event_id=event_id)
    if message is None:
        return
    send_to_group(application_group(application_id), message)
    send_to_group(sponsor_applications_group(sponsor_id), message)


def connect() -> None:
    permit_changed.connect(_on_permit_changed, dispatch_uid="realtime.permit_changed")
    application_changed.connect(
        _on_application_changed, dispatch_uid="realtime.application_changed"
    )
