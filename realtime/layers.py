"""The channel layer, resilient to Redis going away: channels-redis with retries, and a word to
the consumers when Redis came back so their subscriptions resume from the database.

channels-redis keeps pooled connections; after a Redis restart the first command on each fails
("Connection closed by server."), and a websocket's receive loop fails for as long as Redis is
down. Here:

- ``group_add`` (a subscription joining its groups) is retried until Redis answers, for up to
  ``CHANNEL_LAYER_JOIN_SECONDS``: a stale connection is replaced, and a short outage only delays
  the subscription instead of failing it;
- ``send`` and ``group_send`` are retried once (a stale connection), never waited on: they run
  after commit, in requests and workers, which must not hang on Redis. An event they could not
  deliver is in the database, and the subscribers replay it when Redis is back;
- ``receive`` outlives an outage: it retries until Redis answers, then hands the consumer one
  ``LAYER_RECONNECTED`` message (``realtime.groups``), on which subscriptions join their groups
  again (a restarted Redis forgot them) and replay what they missed (``realtime.feeds``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from channels_redis.core import RedisChannelLayer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from realtime.groups import LAYER_RECONNECTED

logger = logging.getLogger(__name__)

T = TypeVar("T")
LOST = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
# Between two attempts to reach Redis again: from the first, doubling up to the last.
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0)


class ResilientRedisChannelLayer(RedisChannelLayer):
    async def _again(self, what: str, call: Callable[[], Awaitable[T]], *, within: float) -> T:
        """``call()``, tried again while Redis is unreachable, for up to ``within`` seconds
        (at least one more attempt: a stale pooled connection is replaced by then)."""
        deadline = time.monotonic() + within
        attempt = 0
        while True:
            try:
                return await call()
            except LOST as exc:
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                attempt += 1
                if attempt > 1 and time.monotonic() + delay > deadline:
                    raise
                logger.warning("channel layer: %s failed (%s); again in %.2f s", what, exc, delay)
                await asyncio.sleep(delay)

    async def group_add(self, group: str, channel: str) -> None:
        await self._again(
            "group_add",
            lambda: super(ResilientRedisChannelLayer, self).group_add(group, channel),
            within=float(settings.CHANNEL_LAYER_JOIN_SECONDS),
        )

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._again(
            "send", lambda: super(ResilientRedisChannelLayer, self).send(channel, message), within=0
        )

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._again(
            "group_send",
            lambda: super(ResilientRedisChannelLayer, self).group_send(group, message),
            within=0,
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outages = 0  # Redis outages this process lived through
        self._down = False
        self._back: asyncio.Event | None = None  # set when Redis answers after an outage
        self._outages_seen: dict[str, int] = {}  # per receiving channel

    async def receive(self, channel: str) -> dict[str, Any]:
        """The next message; after an outage, first one ``LAYER_RECONNECTED`` for each
        channel that was receiving before it (whether or not its own call failed)."""
        seen = self._outages_seen.setdefault(channel, self._outages)
        if seen != self._outages and not self._down:
            self._outages_seen[channel] = self._outages
            return {"type": LAYER_RECONNECTED}
        if self._back is None:
            self._back = asyncio.Event()
        back = self._back
        receiving = asyncio.ensure_future(super().receive(channel))
        woken = asyncio.ensure_future(back.wait())
        try:
            await asyncio.wait([receiving, woken], return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            if not receiving.done():
                receiving.cancel()
                with contextlib.suppress(asyncio.CancelledError, *LOST):
                    await receiving
        if receiving.done() and not receiving.cancelled() and receiving.exception() is None:
            return receiving.result()
        if receiving.done() and not receiving.cancelled():
            await self._wait_for_redis(channel, receiving.exception())
        self._outages_seen[channel] = self._outages
        return {"type": LAYER_RECONNECTED}

    async def _wait_for_redis(self, channel: str, error: BaseException | None) -> None:
        """Redis failed under a receive: wait until it answers, then wake every receiver."""
        if not isinstance(error, LOST):
            raise error  # not an outage: let the consumer fail as before
        if not self._down:
            self._down = True
            logger.warning("channel layer: Redis unreachable (%s); waiting for it", error)
        attempt = 0
        while self._down:
            try:
                await self.connection(self.consistent_hash(channel)).ping()
            except LOST:
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
                attempt += 1
                continue
            if self._down:  # the first receiver to see Redis back wakes the others
                self._down = False
                self._outages += 1
                back, self._back = self._back, asyncio.Event()
                if back is not None:
                    back.set()
                logger.info("channel layer: Redis answers again; subscriptions resume")

    def forget(self, channel: str) -> None:
        """The consumer of ``channel`` is gone (its websocket closed)."""
        self._outages_seen.pop(channel, None)
