"""Run agency checks: ``manage.py application_worker``. Start as many as you like, anywhere that
reaches the database; SIGTERM stops one after the tasks in flight, SIGKILL loses nothing."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from core.applications import periodic
from core.applications.worker import ApplicationWorker, start_event_loop_thread

logger = logging.getLogger("core.applications.worker")


class Command(BaseCommand):
    help = (
        "Run a background worker: agency checks and reports for applications of every kind, "
        "and the periodic jobs (stalled checks, payments' reconciliation)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=0.2, help="Idle poll, seconds.")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="Tasks in flight at once (default: WORKER_CONCURRENCY).",
        )

    def handle(self, *args, interval: float, concurrency: int | None, **options) -> None:
        if not settings.REDIS_URL:
            logger.warning(
                "REDIS_URL is not set: this worker's events reach no websocket subscriber (the "
                "in-memory channel layer stays in this process). On the embedded default run "
                "daphne with IQAMA_INPROCESS_WORKER=1 instead (docs/workers.md)."
            )
        worker = ApplicationWorker(interval=interval, concurrency=concurrency)
        worker.bind_event_loop(start_event_loop_thread())
        logger.info(
            "application worker %s: %d checks and %d tasks in flight, lease %.0f s, periodic "
            "jobs %s",
            worker.worker_id,
            worker.checks.capacity,
            worker.concurrency,
            settings.CHECK_LEASE_SECONDS,
            ", ".join(job.name for job in periodic.registered()),
        )
        worker.configure_signals()
        worker.run()
