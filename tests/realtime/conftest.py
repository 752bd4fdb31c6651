"""Fixtures for end-to-end realtime tests: real daphne processes, a real websocket client.

``daphne_server()`` starts ``daphne iqama.asgi:application`` as a subprocess on a free port, with
the test's environment pointed at the *test* database and the same Redis channel layer (and
``CHANNEL_PREFIX``) as the test process, and waits until ``/healthz`` says both answer. It may be
called several times in one test (several processes sharing Redis); every process is stopped at
teardown, and its log is printed when the test failed. ``daphne`` is one such process shared by
the session (a start costs seconds), with the part of its log written during a failed test
printed. Both fixtures bring ``transactional_db``: test data is committed, so daphne sees it.

``ws_client(server, …)`` opens a graphql-transport-ws websocket with the ``websockets`` library.
Its event loop runs in a background thread and every call is bounded by a timeout, so tests stay
synchronous: the ORM runs in the test's own thread (on its own connection, the one
``transactional_db`` flushes), and a failure never hangs the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

BASE_DIR = Path(__file__).resolve().parents[2]
# A cross-site origin the daphne processes are told to allow (WEBSOCKET_ALLOWED_ORIGINS), so that
# the tests go through the allow-list and not the same-origin shortcut.
ALLOWED_ORIGIN = "http://app.iqama.test"
STARTUP_TIMEOUT = 30.0
ASGI_APPLICATION = "iqama.asgi:application"
NEEDS_REDIS = (
    "needs REDIS_URL: daphne runs in another process, and the in-memory channel layer "
    "cannot carry events between processes (run through `python -m tests.runner` with Redis up)"
)


# --- the daphne processes ---------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"realtime_report_{report.when}", report)
    return report


def _failed(item: pytest.Item) -> bool:
    return any(
        getattr(getattr(item, f"realtime_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def database_url_for_test_db() -> str:
    """A DATABASE_URL for the database this test process really uses: the test database."""
    from django.db import connection

    s = connection.settings_dict
    engine = s["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(s["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.skip("an in-memory SQLite test database cannot be shared with daphne")
        return f"sqlite:///{Path(name).resolve()}"
    if engine != "django.db.backends.postgresql":
        raise RuntimeError(f"no DATABASE_URL scheme known for {engine}")
    auth = ""
    if s.get("USER"):
        auth = quote(s["USER"], safe="")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"], safe="")
        auth += "@"
    host = str(s.get("HOST") or "")
    if host.startswith("/"):
        host = quote(host, safe="")  # a unix socket directory
    elif ":" in host:
        host = f"[{host}]"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _daphne_executable() -> str:
    beside_python = Path(sys.executable).with_name("daphne")
    if beside_python.exists():
        return str(beside_python)
    return str(BASE_DIR / ".venv" / "bin" / "daphne")


@dataclass
class DaphneServer:
    port: int
    process: subprocess.Popen
    log_path: Path
    origin: str = ALLOWED_ORIGIN

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql/"

    def log(self, offset: int = 0) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _daphne_env() -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "iqama.settings")
    env["DATABASE_URL"] = database_url_for_test_db()
    env["REDIS_URL"] = settings.REDIS_URL
    env["CHANNEL_PREFIX"] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    origins = [o for o in settings.WEBSOCKET_ALLOWED_ORIGINS if o]
    env["WEBSOCKET_ALLOWED_ORIGINS"] = ",".join(dict.fromkeys([*origins, ALLOWED_ORIGIN]))
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    env["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, "127.0.0.1"]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start_daphne(log_dir: Path, env: dict[str, str]) -> DaphneServer:
    last_error = ""
    for _attempt in range(3):  # another process may grab the free port before daphne binds it
        port = _free_port()
        log_path = log_dir / f"daphne-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [_daphne_executable(), "-b", "127.0.0.1", "-p", str(port), ASGI_APPLICATION],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        server = DaphneServer(port=port, process=process, log_path=log_path)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                last_error = f"daphne exited with code {process.returncode}"
                break
            try:
                response = httpx.get(f"{server.url}/healthz", timeout=2)
                if response.status_code == 200:
                    return server
                last_error = f"/healthz answered {response.status_code}: {response.text}"
            except httpx.HTTPError as exc:
                last_error = f"/healthz: {type(exc).__name__}: {exc}"
            time.sleep(0.1)
        else:
            last_error = f"not healthy after {STARTUP_TIMEOUT:.0f} s; last: {last_error}"
        server.stop()
        if "Address already in use" not in server.log():
            break
    pytest.fail(f"daphne did not start: {last_error}\n--- daphne log ---\n{server.log()}")


@pytest.fixture(scope="session")
def daphne_env(django_db_setup: None) -> dict[str, str]:
    """The environment of daphne processes: this process's, on the test database."""
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip(NEEDS_REDIS)
    return _daphne_env()


@pytest.fixture
def daphne_server(
    request: pytest.FixtureRequest,
    transactional_db: None,
    daphne_env: dict[str, str],
    tmp_path: Path,
) -> Iterator[Callable[[], DaphneServer]]:
    """A factory of daphne processes of this test's own; each call starts one more, all sharing
    the test database and Redis. They are stopped at the end of the test.

    Depends on ``transactional_db``: what the test creates is committed, so daphne sees it.
    """
    servers: list[DaphneServer] = []

    def start() -> DaphneServer:
        server = _start_daphne(tmp_path, daphne_env)
        servers.append(server)
        return server

    yield start

    for server in servers:
        server.stop()
    if _failed(request.node):
        for server in servers:
            print(f"\n--- daphne on port {server.port} (exit {server.process.returncode}) ---")
            print(server.log())


@pytest.fixture(scope="session")
def shared_daphne(
    daphne_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DaphneServer]:
    """One daphne process for the whole session (starting one costs seconds)."""
    server = _start_daphne(tmp_path_factory.mktemp("daphne"), daphne_env)
    yield server
    server.stop()


@pytest.fixture
def daphne(
    request: pytest.FixtureRequest, transactional_db: None, shared_daphne: DaphneServer
) -> Iterator[DaphneServer]:
    """The session's daphne process, for a test on ``transactional_db``. When the test fails,
    what daphne logged during it is printed. Use ``daphne_server()`` for processes of one's own.
    """
    if shared_daphne.process.poll() is not None:
        pytest.fail(
            f"the shared daphne exited with code {shared_daphne.process.returncode}\n"
            f"--- daphne log ---\n{shared_daphne.log()}"
        )
    offset = shared_daphne.log_size()
    yield shared_daphne
    if _failed(request.node):
        print(f"\n--- daphne on port {shared_daphne.port}, during this test ---")
        print(shared_daphne.log(offset))


# --- the websocket client ---------------------------------------------------------------------


class _LoopThread:
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

    runner: _LoopThread
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


@pytest.fixture
def ws_client() -> Iterator[Callable[..., WSClient]]:
    """``ws_client(server, origin=…, headers=…, connect=True)``: a websocket to a daphne server.

    The origin defaults to the allowed one; every client is closed at teardown.
    """
    runner = _LoopThread()
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

    yield open_client

    for client in clients:
        client.close()
    runner.stop()


# --- the channel layer's groups, as Redis holds them --------------------------------------------


class ChannelGroups:
    """Who is in a channel-layer group, read from Redis (channels-redis keeps a sorted set)."""

    def __init__(self) -> None:
        import redis
        from channels.layers import get_channel_layer
        from django.conf import settings

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


@pytest.fixture
def channel_groups() -> Iterator[ChannelGroups]:
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip(NEEDS_REDIS)
    groups = ChannelGroups()
    yield groups
    groups.close()


# --- renewal data ---------------------------------------------------------------------------------


@pytest.fixture
def household(transactional_db: None) -> dict:
    """``tests.factories.household``, committed (``transactional_db``) so that daphne sees it."""
    from tests import factories

    return factories.household()
