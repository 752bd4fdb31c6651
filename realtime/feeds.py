"""Subscriptions that resume without losing or repeating an event.

A feed follows one or more streams of application events (``core.applications.streams``:
an application's, or each sponsor's), whose numbers are dense and commit in order. It joins
the streams' groups first, then replays from the database what came after the client's cursor
(or, for a new subscription, starts at the streams' current numbers), then goes live,
delivering each stream's events in order, once: a duplicate (already replayed) is dropped, and
a gap (an event that went missing in Redis, or arrives after a later one from another process)
is filled from the database, where it already is. When Redis comes back after an outage the
channel layer says so (``realtime.layers``) and the feed joins its groups again (a restarted
Redis forgot them) and replays what it missed.

Every update carries a cursor: where the client stands in each of the feed's streams. A client
that reconnects passes the last cursor it received as ``after``. The feed replays only its own
streams, which its subscription has already authorized: replay shows nothing live would not.
"""

from __future__ import annotations

import base64
import binascii
import enum
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async

from core.applications.streams import (
    application_key,
    current_positions,
    messages_after,
    sponsor_key,
)
from core.errors import register_messages
from realtime.groups import (
    APPLICATION_CHANGED,
    LAYER_RECONNECTED,
    application_group,
    sponsor_applications_group,
)

# The most events one stream replays at once; a client further behind re-reads by query.
REPLAY_LIMIT = 1000


class ResumeErrorCode(enum.StrEnum):
    INVALID_CURSOR = "invalid_cursor"
    RESUME_TOO_FAR = "resume_too_far"


register_messages(
    ResumeErrorCode,
    {
        ResumeErrorCode.INVALID_CURSOR: (
            "This cursor was not given out by this subscription.",
            "هذا المؤشر لم يصدر عن هذا الاشتراك.",
        ),
        ResumeErrorCode.RESUME_TOO_FAR: (
            "Too much happened since this cursor: read the application again, then subscribe "
            "without a cursor.",
            "حدث الكثير منذ هذا المؤشر: اقرأ الطلب من جديد ثم اشترك دون مؤشر.",
        ),
    },
)


class ResumeError(Exception):
    def __init__(self, code: ResumeErrorCode) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True)
class Stream:
    key: str  # core.applications.streams
    group: str  # the channel-layer group its events are sent to
    field: str  # the message's number in this stream


def application_stream(application_id: int) -> Stream:
    return Stream(application_key(application_id), application_group(application_id), "sequence")


def sponsor_stream(sponsor_id: int) -> Stream:
    return Stream(
        sponsor_key(sponsor_id), sponsor_applications_group(sponsor_id), "sponsor_sequence"
    )


def encode_cursor(positions: dict[str, int]) -> str:
    raw = ",".join(f"{key}:{number}" for key, number in sorted(positions.items()))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, streams: list[Stream]) -> dict[str, int]:
    """The positions a cursor holds, each in one of ``streams``; else INVALID_CURSOR."""
    keys = {stream.key for stream in streams}
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        positions = {}
        for part in raw.split(","):
            key, _, number = part.partition(":")
            positions[key] = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ResumeError(ResumeErrorCode.INVALID_CURSOR) from exc
    if not positions or not set(positions) <= keys or min(positions.values()) < 0:
        raise ResumeError(ResumeErrorCode.INVALID_CURSOR)
    return positions


@dataclass(frozen=True)
class FeedUpdate:
    message: dict[str, Any]  # core.events.ApplicationMessage.as_dict()
    sent_at: float  # when it left the publisher (live) or was read again (replayed)
    cursor: str  # where the client stands after this update


class Feed:
    """One subscription's updates: replayed, then live, in each stream's order, each once."""

    def __init__(self, ws: Any, streams: list[Stream], after: str | None) -> None:
        self.ws = ws
        self.streams = streams
        self.by_group = {stream.group: stream for stream in streams}
        self.after = decode_cursor(after, streams) if after else None
        self.positions: dict[str, int] = {}

    async def updates(self) -> AsyncIterator[FeedUpdate]:
        groups = [stream.group for stream in self.streams]
        async with self.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as live:
            current = await sync_to_async(current_positions)([s.key for s in self.streams])
            self.positions = {**current, **(self.after or {})}
            for update in await self._replay(self.streams):
                yield update
            async for message in live:
                if message.get("type") == LAYER_RECONNECTED:
                    for group in groups:
                        await self.ws.channel_layer.group_add(group, self.ws.channel_name)
                    for update in await self._replay(self.streams):
                        yield update
                    continue
                stream = self.by_group.get(message.get("group"))
                if stream is None:
                    continue  # another subscription's, on the same websocket
                for body in message["messages"]:  # in the stream's order
                    number = body[stream.field]
                    last = self.positions[stream.key]
                    if number <= last:
                        continue  # already delivered (replayed)
                    if number > last + 1:
                        for update in await self._replay([stream]):
                            yield update
                        if number <= self.positions[stream.key]:
                            continue
                    self.positions[stream.key] = number
                    yield FeedUpdate(body, message["sent_at"], encode_cursor(self.positions))

    async def _replay(self, streams: list[Stream]) -> list[FeedUpdate]:
        """What each stream has after the feed's position in it, in order."""
        wanted = {stream.key: self.positions[stream.key] for stream in streams}
        found = await sync_to_async(_stored_after)(wanted)
        updates = []
        for stream in streams:
            for message in found[stream.key]:
                self.positions[stream.key] = message[stream.field]
                updates.append(FeedUpdate(message, time.time(), encode_cursor(self.positions)))
        return updates


def _stored_after(positions: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for key, after in positions.items():
        messages = messages_after(key, after, limit=REPLAY_LIMIT + 1)
        if len(messages) > REPLAY_LIMIT:
            raise ResumeError(ResumeErrorCode.RESUME_TOO_FAR)
        found[key] = [message.as_dict() for message in messages]
    return found
