"""The worker's settings-driven timings, and how an in-process worker announces its events."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

from asgiref.sync import async_to_sync

from core.applications import checks
from core.applications.worker import (
    ApplicationWorker,
    BindWorkerToEventLoop,
    _deliver_events_through,
    sweep_interval,
)


def test_lease_backoff_and_sweep_come_from_settings_at_call_time(settings):
    settings.CHECK_LEASE_SECONDS = 2
    settings.CHECK_SWEEP_SECONDS = 0.5
    settings.CHECK_RETRY_DELAYS = [1, 4]
    assert checks.lease() == dt.timedelta(seconds=2)
    assert sweep_interval() == 0.5
    assert [checks.retry_delay(n).total_seconds() for n in (1, 2, 3, 9)] == [1, 4, 4, 4]


def _on_a_plain_thread(bind_to: asyncio.AbstractEventLoop | None) -> asyncio.AbstractEventLoop:
    """The loop ``async_to_sync`` runs a coroutine on, called from a thread like the worker's."""
    seen: list[asyncio.AbstractEventLoop] = []

    async def which_loop() -> None:
        seen.append(asyncio.get_running_loop())

    def work() -> None:
        if bind_to is not None:
            _deliver_events_through(bind_to)
        async_to_sync(which_loop)()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert seen, "async_to_sync did not run"
    return seen[0]


def test_a_bound_worker_thread_announces_through_the_servers_loop():
    """The in-memory channel layer is not thread-safe: ``realtime.broadcast``'s ``group_send``
    must run on the server's loop, not on one ``async_to_sync`` makes for a plain thread."""
    server_loop = asyncio.new_event_loop()
    server = threading.Thread(target=server_loop.run_forever, daemon=True)
    server.start()
    try:
        assert _on_a_plain_thread(bind_to=None) is not server_loop
        assert _on_a_plain_thread(bind_to=server_loop) is server_loop
    finally:
        server_loop.call_soon_threadsafe(server_loop.stop)
        server.join(5)
        server_loop.close()


def test_the_asgi_middleware_binds_the_running_loop_at_the_first_call():
    worker = ApplicationWorker()
    calls: list[str] = []

    async def app(scope, receive, send):
        calls.append(scope["type"])

    async def serve() -> asyncio.AbstractEventLoop:
        wrapped = BindWorkerToEventLoop(app, worker)
        await wrapped({"type": "http"}, None, None)
        await wrapped({"type": "websocket"}, None, None)
        return asyncio.get_running_loop()

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(serve()) is worker._event_loop
    finally:
        loop.close()
    assert calls == ["http", "websocket"]
