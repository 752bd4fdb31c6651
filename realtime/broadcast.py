"""Fan domain events out to websocket subscribers through the channel layer.

The domain announces events after commit, each with everything a subscriber shows
(``core.events``); this module only forwards it as a ``group_send``, which channels-redis
delivers to every daphne process with a subscriber. Nothing is read from the database here.
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from core.events import ApplicationMessage, PermitMessage, application_changed, permit_changed
from realtime.groups import (
    APPLICATION_CHANGED,
    PERMIT_CHANGED,
    application_group,
    holder_group,
    permit_group,
    sponsor_applications_group,
)


def send_to_group(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    # ``group``: a websocket gets every message of a type once per group it is in, and hands it
    # to each of its subscriptions of that type; each keeps those of its own groups.
    message = {**message, "group": group, "sent_at": time.time()}
    async_to_sync(layer.group_send)(group, message)


def _on_permit_changed(sender: Any, *, message: PermitMessage, **_: Any) -> None:
    send_to_group(
        permit_group(message.permit_id),
        {"type": PERMIT_CHANGED, "permit_id": message.permit_id, "kind": message.kind},
    )


def _on_application_changed(sender: Any, *, message: ApplicationMessage, **_: Any) -> None:
    payload = {"type": APPLICATION_CHANGED, "message": message.as_dict()}
    send_to_group(application_group(message.application_id), payload)
    send_to_group(sponsor_applications_group(message.sponsor_id), payload)
    for person_id in message.holder_ids:
        send_to_group(holder_group(person_id), payload)


def connect() -> None:
    permit_changed.connect(_on_permit_changed, dispatch_uid="realtime.permit_changed")
    application_changed.connect(
        _on_application_changed, dispatch_uid="realtime.application_changed"
    )
