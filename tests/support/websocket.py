"""A graphql-transport-ws client for tests, with a synchronous API bounded in time, and the
channel layer's groups as Redis holds them.

``WSClient`` runs on an asyncio loop in a background thread (``LoopThread``), so tests stay
synchronous: the ORM runs in the test's own thread, and a failure never hangs the run.
``websocket_clients()`` opens clients to daphne servers and closes them all at its end.
``ChannelGroups`` says who is in a group: graphql-transport-ws has no "subscribed"
acknowledgement, so a test waits for the subscriber's channel to join before it publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.daphne import DaphneServer
from tests.support.processes import ALLOWED_ORIGIN


class LoopThread:
    """An asyncio loop in a daemon thread; ``run`` waits for a coroutine, bounded in time."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, timeout), self.loop)
        try:
            return future.result(timeout + 5)
        except TimeoutError:
            future.cancel()
            raise

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()


@dataclass
class WSClient:
    """A graphql-transport-ws client with a synchronous, timeout-bounded API."""

    runner: LoopThread
    url: str
    origin: str | None
    headers: dict[str, str] = field(default_factory=dict)
    ws: ClientConnection | None = None
    received: list[dict] = field(default_factory=list)

    def connect(self, timeout: float = 5) -> WSClient:
        """Open the websocket; raises ``websockets.exceptions.InvalidStatus`` when refused."""

        async def _connect() -> ClientConnection:
            return await connect(
                self.url,
                subprotocols=["graphql-transport-ws"],
                origin=self.origin,
                additional_headers=self.headers,
                ping_interval=None,  # no client pings: idle means idle
                open_timeout=timeout,
                close_timeout=2,
            )

        self.ws = self.runner.run(_connect(), timeout + 1)
        assert self.ws.subprotocol == "graphql-transport-ws"
        return self

    def send(self, message: dict) -> None:
        self.runner.run(self.ws.send(json.dumps(message)), 5)

    def receive(self, timeout: float = 5) -> dict:
        """The next message, answering protocol pings on the way; TimeoutError if none."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no message within {timeout} s")
            message = json.loads(self.runner.run(self.ws.recv(), remaining))
            self.received.append(message)
            if message.get("type") == "ping":
                self.send({"type": "pong"})
                continue
            return message

    def init(self, payload: dict | None = None, timeout: float = 5) -> dict:
        self.send({"type": "connection_init", "payload": payload or {}})
        message = self.receive(timeout)
        assert message["type"] == "connection_ack", message
        return message

    def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        self.send(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )

    def next_payload(self, op_id: str, timeout: float = 5) -> dict:
        """The payload of the next ``next`` message of an operation; fails on anything else."""
        message = self.receive(timeout)
        assert message.get("id") == op_id and message["type"] == "next", message
        return message["payload"]

    def assert_silent(self, seconds: float) -> None:
        """Nothing but protocol pings arrives for ``seconds``."""
        started = time.monotonic()
        try:
            message = self.receive(seconds)
        except TimeoutError:
            return
        except ConnectionClosed as exc:
            pytest.fail(f"the websocket closed after {time.monotonic() - started:.1f} s: {exc}")
        pytest.fail(f"expected silence, got {message}")

    def drain(self, quiet: float, limit: float = 10) -> list[dict]:
        """Receive until nothing arrives for ``quiet`` seconds (``limit`` in all)."""
        messages: list[dict] = []
        deadline = time.monotonic() + limit
        with contextlib.suppress(TimeoutError):
            while time.monotonic() < deadline:
                messages.append(self.receive(quiet))
        return messages

    def wait_closed(self, timeout: float = 5) -> int | None:
        """Wait until the server closes the socket; its close code."""

        async def _drain() -> int | None:
            try:
                while True:
                    self.received.append(json.loads(await self.ws.recv()))
            except ConnectionClosed as exc:
                return exc.rcvd.code if exc.rcvd else None

        return self.runner.run(_drain(), timeout)

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.runner.run(self.ws.close(), 5)


@contextlib.contextmanager
def websocket_clients() -> Iterator[Callable[..., WSClient]]:
    """``open_client(server, origin=…, headers=…, connect=True)``: a websocket to a daphne
    server, from the allowed origin unless told otherwise; all closed at the end."""
    runner = LoopThread()
    clients: list[WSClient] = []

    def open_client(
        server: DaphneServer,
        *,
        origin: str | None = ALLOWED_ORIGIN,
        headers: dict[str, str] | None = None,
        connect: bool = True,
    ) -> WSClient:
        client = WSClient(runner, server.ws_url, origin, dict(headers or {}))
        clients.append(client)
        return client.connect() if connect else client

    try:
        yield open_client
    finally:
        for client in clients:
            client.close()
        runner.stop()


class ChannelGroups:
    """Who is in a channel-layer group, read from Redis (channels-redis keeps a sorted set)."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def members(self, group: str) -> int:
        key = self.layer._group_key(group)
        return self.redis.zcount(key, time.time() - self.layer.group_expiry, "+inf")

    def wait_for_members(self, group: str, count: int = 1, timeout: float = 5) -> None:
        """Block until ``count`` channels have joined the group (the subscription is live)."""
        deadline = time.monotonic() + timeout
        while (found := self.members(group)) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"group {group!r}: {found} member(s) after {timeout} s, want {count}")
            time.sleep(0.02)

    def close(self) -> None:
        self.redis.close()
