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

from core.events import permit_changed
from realtime.groups import PERMIT_CHANGED, permit_group

logger = logging.getLogger(__name__)


def send_to_group(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {**message, "sent_at": time.time()}
    async_to_sync(layer.group_send)(group, message)


def _on_permit_changed(sender: Any, *, permit_id: int, kind: str, change_id: int, **_: Any) -> None:
    send_to_group(
        permit_group(permit_id),
        {"type": PERMIT_CHANGED, "permit_id": permit_id, "kind": kind, "change_id": change_id},
    )


def connect() -> None:
    permit_changed.connect(_on_permit_changed, dispatch_uid="realtime.permit_changed")
