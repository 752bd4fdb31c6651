"""An application worker: agency checks claimed in batches from their own rows
(``check_runner``), django-tasks-db's worker loop for the tasks (agency reports), and the
periodic jobs (``core.applications.periodic``: the sweeper that hands back checks whose worker
died, and whatever the apps register, such as payments' reconciliation). Runs as ``manage.py
application_worker`` (separate processes, any number of machines sharing the database) or, on
the embedded default, as a thread inside the daphne process (``IQAMA_INPROCESS_WORKER=1``,
started by ``iqama/asgi.py``).

Agencies answer slowly, so a worker keeps up to ``checks_in_flight`` checks in flight at once
(asked without a database connection) and up to ``concurrency`` tasks, each in a thread of a
bounded pool (``core.agencies.registry`` bounds the calls per agency). Each claims only what it
has room for, so what a worker holds is what it is working on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from core.applications import periodic
from core.applications.check_runner import CheckRunner

logger = logging.getLogger(__name__)

# After the loop failed (the database went away, say): wait this long before polling again.
RESTART_DELAY_SECONDS = 1.0
# How often the periodic jobs' loop looks for a due job.
PERIODIC_TICK_SECONDS = 0.5
# How often, at most, an idle worker looks for a task (checks: ``interval``).
TASK_POLL_SECONDS = 1.0
# Tasks in flight in daphne's own worker thread (the embedded default): SQLite takes one writer
# at a time, so more threads would only queue for its lock (checks are written by two threads
# whatever their number).
INPROCESS_CONCURRENCY = 4


def sweep_interval() -> float:
    """Seconds between two sweeps for stalled checks (``settings.CHECK_SWEEP_SECONDS``)."""
    return float(settings.CHECK_SWEEP_SECONDS)


class ApplicationWorker(Worker):
    def __init__(
        self,
        *,
        interval: float = 0.2,
        worker_id: str | None = None,
        concurrency: int | None = None,
        checks_in_flight: int | None = None,
    ) -> None:
        super().__init__(
            queue_names=["*"],
            # Tasks (agency reports) wait a little: polling for them as often as for checks
            # would cost more than it saves.
            interval=max(interval, TASK_POLL_SECONDS),
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or f"worker-{uuid.uuid4().hex[:12]}",
            excluded_queue_names=[],
        )
        self.concurrency = max(1, concurrency or int(settings.WORKER_CONCURRENCY))
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._stop = threading.Event()
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self.checks = CheckRunner(
            capacity=checks_in_flight or int(settings.CHECKS_IN_FLIGHT),
            interval=interval,
            prepare_thread=self._prepare_thread,
        )

    def _prepare_thread(self) -> None:
        if self._event_loop is not None:
            _deliver_events_through(self._event_loop)

    def _periodic_forever(self) -> None:
        while not self._stop.wait(PERIODIC_TICK_SECONDS):
            try:
                if self._event_loop is not None:  # the jobs' events too (reconciliation's)
                    _deliver_events_through(self._event_loop)
                close_old_connections()
                periodic.run_due()
            except Exception:  # the loop must outlive a passing database error
                logger.exception("running the periodic jobs failed")
            finally:
                close_old_connections()

    def run(self) -> None:
        """Poll for tasks until stopped (SIGTERM/SIGINT in a process, ``stop()`` in a thread),
        then wait for the tasks in flight. A failure of the loop itself (not of a task: those
        are recorded as failed), such as a database that went away, is logged and the loop
        starts again."""
        self._stop.clear()
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="application-task")
        jobs = threading.Thread(target=self._periodic_forever, name="periodic-jobs", daemon=True)
        jobs.start()
        self.checks.start()
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
            self.checks.stop()
            self.checks.join()
            self._pool.shutdown(wait=True)

    def run_task(self, db_task_result: Any) -> None:
        """Hand the claimed task to a free thread (waiting for one: the loop claims the next
        task only once this returns)."""
        self._slots.acquire()
        try:
            self._pool.submit(self._run_in_thread, db_task_result)
        except RuntimeError:  # the pool is shutting down
            self._slots.release()
            raise

    def _run_in_thread(self, db_task_result: Any) -> None:
        try:
            self._prepare_thread()
            super().run_task(db_task_result)
        except Exception:
            logger.exception("task %s failed outside the task", db_task_result.id)
        finally:
            close_old_connections()
            self._slots.release()

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        """First signal: claim nothing more, finish what is in flight. Second: exit now (the
        leases of the checks in flight run out and other workers take them over)."""
        if not self.running:
            logger.warning("worker %s: second signal, exiting now", self.worker_id)
            os._exit(1)
        logger.warning("worker %s: stopping after the tasks in flight", self.worker_id)
        self.stop()

    def bind_event_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Announce the events of this worker's tasks through ``loop``.

        An in-process worker must use the ASGI server's: the in-memory channel layer lives on
        it and is not thread-safe. A worker process uses a loop of its own (``manage.py
        application_worker``), so that channels-redis keeps its connections between events
        instead of making a loop, and connections, per ``async_to_sync`` call."""
        self._event_loop = loop

    def stop(self) -> None:
        self.running = False
        self._stop.set()
        self.checks.stop()


def _deliver_events_through(loop: asyncio.AbstractEventLoop) -> None:
    """Make ``async_to_sync`` in this thread run its coroutines on ``loop``, as it does in the
    threads of ``sync_to_async`` (asgiref reads these two thread-locals; the pid guards forks)."""
    SyncToAsync.threadlocal.main_event_loop = loop
    SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()


def start_event_loop_thread() -> asyncio.AbstractEventLoop:
    """An event loop running in a daemon thread of its own (a worker process's publisher)."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="event-publisher", daemon=True).start()
    return loop


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
            worker = ApplicationWorker(
                worker_id=f"inprocess-{os.getpid()}-{uuid.uuid4().hex[:8]}",
                concurrency=INPROCESS_CONCURRENCY,
            )
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
