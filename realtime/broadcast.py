"""Fan domain events out to websocket subscribers through the channel layer.

The domain announces events after commit, each with everything a subscriber shows
(``core.events``); this module only forwards it as a ``group_send``, which channels-redis
delivers to every daphne process with a subscriber. Nothing is read from the database here.

Where the calling thread belongs to a running event loop — a request's thread under daphne, a
worker's task thread (``ApplicationWorker.bind_event_loop``) — the sends are handed to that loop
and the thread goes on: one publisher task per loop sends them in the order they were
announced, over the loop's pooled Redis connections, and what was announced meanwhile goes
out together: the application messages bound for one group as one channel message
(``messages``: a submission's steps, a worker's batch of checks), one ``group_send`` per group
instead of one per event and group. A request or a check does not wait for
Redis, and an event whose send fails is in the database for the subscribers to fill in
(``realtime.feeds``). Elsewhere (a management command, a test) the send is made at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from core.events import (
    AccessRevokedMessage,
    ApplicationMessage,
    PermitMessage,
    PermitReminderMessage,
    access_revoked,
    application_changed,
    permit_changed,
    permit_reminded,
)
from realtime.groups import (
    ACCESS_REVOKED,
    APPLICATION_CHANGED,
    PERMIT_CHANGED,
    PERMIT_REMINDER,
    application_group,
    holder_group,
    permit_group,
    sponsor_applications_group,
    sponsor_reminders_group,
    token_group,
    user_group,
)

logger = logging.getLogger(__name__)


def send_to_groups(groups: list[str], message: dict[str, Any]) -> None:
    """Send ``message`` to each group, in order, after the events announced before it."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _loop_of_this_thread()
    if loop is None:
        async_to_sync(_send)(layer, groups, message)
    else:
        loop.call_soon_threadsafe(_publisher(loop).put_nowait, (layer, groups, message))


async def _send(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    await _send_all([(layer, groups, message)])


async def _send_all(sends: list[tuple[Any, list[str], dict[str, Any]]]) -> None:
    """Send each message to its groups, in order: the application messages bound for one group
    go as one (``messages``, in the order they were announced), the others one by one. A
    websocket gets every message of a type once per group it is in, and hands it to each of
    its subscriptions of that type; each keeps those of its groups (``group``)."""
    out: list[tuple[Any, str, dict[str, Any]]] = []  # in the order of each one's first
    batches: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for layer, groups, message in sends:
        for group in groups:
            if message["type"] != APPLICATION_CHANGED:
                out.append((layer, group, message))
            elif (layer, group) in batches:
                batches[layer, group].append(message["message"])
            else:
                batches[layer, group] = [message["message"]]
                body = {"type": APPLICATION_CHANGED, "messages": batches[layer, group]}
                out.append((layer, group, body))
    for layer, group, message in out:
        await _group_send(layer, group, message)


async def _group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, {**message, "group": group, "sent_at": time.time()})
    except Exception:  # the event is in the database: subscribers fill it in
        logger.exception("sending %s to %s failed", message.get("type"), group)


def _loop_of_this_thread() -> asyncio.AbstractEventLoop | None:
    """The running event loop this thread works for (asgiref's record of it), if any."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


_queues: dict[asyncio.AbstractEventLoop, asyncio.Queue] = {}
_queues_lock = threading.Lock()


def _publisher(loop: asyncio.AbstractEventLoop) -> asyncio.Queue:
    """The loop's queue of sends, and the one task that sends them in order."""
    with _queues_lock:
        queue = _queues.get(loop)
        if queue is None:
            queue = _queues[loop] = asyncio.Queue()
            loop.call_soon_threadsafe(loop.create_task, _publish_forever(queue))
        return queue


async def _publish_forever(queue: asyncio.Queue) -> None:
    """Whatever was announced since the last sends goes out together: one send per group."""
    while True:
        sends = [await queue.get()]
        while not queue.empty():
            sends.append(queue.get_nowait())
        await _send_all(sends)


def _on_permit_changed(sender: Any, *, message: PermitMessage, **_: Any) -> None:
    send_to_groups(
        [permit_group(message.permit_id)],
        {"type": PERMIT_CHANGED, "permit_id": message.permit_id, "kind": message.kind},
    )


def _on_permit_reminded(sender: Any, *, message: PermitReminderMessage, **_: Any) -> None:
    send_to_groups(
        [sponsor_reminders_group(message.sponsor_id)],
        {"type": PERMIT_REMINDER, "reminder": message.as_dict()},
    )


def _on_application_changed(sender: Any, *, message: ApplicationMessage, **_: Any) -> None:
    send_to_groups(
        [
            application_group(message.application_id),
            sponsor_applications_group(message.sponsor_id),
            *(holder_group(person_id) for person_id in message.holder_ids),
        ],
        {"type": APPLICATION_CHANGED, "message": message.as_dict()},
    )


def _on_access_revoked(sender: Any, *, message: AccessRevokedMessage, **_: Any) -> None:
    send_to_groups(
        [
            *(user_group(user_id) for user_id in message.user_ids),
            *(token_group(token_id) for token_id in message.token_ids),
        ],
        {"type": ACCESS_REVOKED},
    )


def connect() -> None:
    permit_changed.connect(_on_permit_changed, dispatch_uid="realtime.permit_changed")
    permit_reminded.connect(_on_permit_reminded, dispatch_uid="realtime.permit_reminded")
    application_changed.connect(
        _on_application_changed, dispatch_uid="realtime.application_changed"
    )
    access_revoked.connect(_on_access_revoked, dispatch_uid="realtime.access_revoked")
