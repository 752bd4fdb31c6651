"""A renewal worker: django-tasks-db's worker loop plus the sweeper that requeues checks whose
worker died. Runs as ``manage.py renewal_worker`` (separate processes, any number of machines
sharing the database) or, on the embedded default, as a thread inside the daphne process."""

from __future__ import annotations

import logging
import threading
import uuid

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from core.renewals.checks import checks_requeue_stalled

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 5.0


class RenewalWorker(Worker):
    def __init__(self, *, interval: float = 0.2, worker_id: str | None = None) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or f"renewal-{uuid.uuid4().hex[:12]}",
            excluded_queue_names=[],
        )
        self._stop = threading.Event()

    def _sweep_forever(self) -> None:
        while not self._stop.wait(SWEEP_EVERY_SECONDS):
            try:
                close_old_connections()
                if count := checks_requeue_stalled():
                    logger.info("requeued %d stalled agency checks", count)
            except Exception:  # the sweeper must outlive a passing database error
                logger.exception("sweeping stalled checks failed")
            finally:
                close_old_connections()

    def run(self) -> None:
        sweeper = threading.Thread(target=self._sweep_forever, name="check-sweeper", daemon=True)
        sweeper.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def stop(self) -> None:
        self.running = False
        self._stop.set()


def start_in_process() -> RenewalWorker:
    """A worker thread inside this process (the embedded default, where the in-memory channel
    layer cannot reach other processes)."""
    worker = RenewalWorker()
    threading.Thread(target=worker.run, name="renewal-worker", daemon=True).start()
    return worker
