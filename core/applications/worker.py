"""An application worker: django-tasks-db's worker loop (agency checks, agency reports) plus
the sweeper that requeues checks whose worker died. Runs as ``manage.py application_worker``
(separate processes, any number of machines
sharing the database) or, on the embedded default, as a thread inside the daphne process
(``IQAMA_INPROCESS_WORKER=1``, started by ``iqama/asgi.py``)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from core.applications.checks import checks_requeue_stalled

logger = logging.getLogger(__name__)

# After the loop failed (the database went away, say): wait this long before polling again.
RESTART_DELAY_SECONDS = 1.0


def sweep_interval() -> float:
    """Seconds between two sweeps for stalled checks (``settings.CHECK_SWEEP_SECONDS``)."""
    return float(settings.CHECK_SWEEP_SECONDS)


class ApplicationWorker(Worker):
    def __init__(self, *, interval: float = 0.2, worker_id: str | None = None) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or f"worker-{uuid.uuid4().hex[:12]}",
            excluded_queue_names=[],
        )
        self._stop = threading.Event()
        self._event_loop: asyncio.AbstractEventLoop | None = None

    def _sweep_forever(self) -> None:
        while not self._stop.wait(sweep_interval()):
            try:
                close_old_connections()
                if count := checks_requeue_stalled():
                    logger.info("requeued %d stalled agency checks", count)
            except Exception:  # the sweeper must outlive a passing database error
                logger.exception("sweeping stalled checks failed")
            finally:
                close_old_connections()

    def run(self) -> None:
        """Poll for tasks until stopped (SIGTERM/SIGINT in a process, ``stop()`` in a thread).
        A failure of the loop itself (not of a task: those are recorded as failed), such as a
        database that went away, is logged and the loop starts again."""
        self._stop.clear()
        sweeper = threading.Thread(target=self._sweep_forever, name="check-sweeper", daemon=True)
        sweeper.start()
        try:
            while self.running:
                try:
                    super().run()
                except Exception:
                    logger.exception(
                        "worker %s: the worker loop failed; again in %.0f s",
                        self.worker_id,
                        RESTART_DELAY_SECONDS,
                    )
                    close_old_connections()
                    self._stop.wait(RESTART_DELAY_SECONDS)
        finally:
            self._stop.set()

    def run_task(self, db_task_result: Any) -> None:
        if self._event_loop is not None:
            _deliver_events_through(self._event_loop)
        super().run_task(db_task_result)

    def bind_event_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Announce the events of this worker's checks through ``loop`` (the ASGI server's).

        An in-process worker must: the in-memory channel layer lives on the server's event loop
        and is not thread-safe, and ``async_to_sync`` (which ``realtime.broadcast`` uses after
        commit) called from a plain thread would run ``group_send`` on a loop of its own."""
        self._event_loop = loop

    def stop(self) -> None:
        self.running = False
        self._stop.set()


def _deliver_events_through(loop: asyncio.AbstractEventLoop) -> None:
    """Make ``async_to_sync`` in this thread run its coroutines on ``loop``, as it does in the
    threads of ``sync_to_async`` (asgiref reads these two thread-locals; the pid guards forks)."""
    SyncToAsync.threadlocal.main_event_loop = loop
    SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()


_in_process: ApplicationWorker | None = None
_in_process_lock = threading.Lock()


def start_in_process() -> ApplicationWorker:
    """The worker thread inside this process, started on the first call (the embedded default,
    where the in-memory channel layer cannot reach other processes). Signals stay the server's:
    the thread is a daemon, and a check it leaves half done is taken over when its lease runs
    out, by this process's next start or by any other worker."""
    global _in_process
    with _in_process_lock:
        if _in_process is None:
            worker = ApplicationWorker(worker_id=f"inprocess-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            threading.Thread(target=worker.run, name="application-worker", daemon=True).start()
            logger.info("application worker %s runs inside this process", worker.worker_id)
            _in_process = worker
        return _in_process


class BindWorkerToEventLoop:
    """ASGI middleware: at its first call, hands the server's running event loop to an
    in-process worker (``ApplicationWorker.bind_event_loop``). No subscriber can have joined a
    group before that call, so no event of the worker is lost."""

    def __init__(self, app: Any, worker: ApplicationWorker) -> None:
        self.app = app
        self.worker = worker
        self._bound = False

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if not self._bound:
            self.worker.bind_event_loop(asyncio.get_running_loop())
            self._bound = True
        return await self.app(scope, receive, send)
