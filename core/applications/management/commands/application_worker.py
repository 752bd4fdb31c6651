"""Run agency checks: ``manage.py application_worker``. Start as many as you like, anywhere that
reaches the database; SIGTERM stops one after its current check, SIGKILL loses nothing."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from core.applications.worker import ApplicationWorker

logger = logging.getLogger("core.applications.worker")


class Command(BaseCommand):
    help = "Run a background worker: agency checks and reports, for applications of every kind."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=0.2, help="Idle poll, seconds.")

    def handle(self, *args, interval: float, **options) -> None:
        if not settings.REDIS_URL:
            logger.warning(
                "REDIS_URL is not set: this worker's events reach no websocket subscriber (the "
                "in-memory channel layer stays in this process). On the embedded default run "
                "daphne with IQAMA_INPROCESS_WORKER=1 instead (docs/workers.md)."
            )
        worker = ApplicationWorker(interval=interval)
        logger.info(
            "application worker %s: lease %.0f s, sweep every %.0f s",
            worker.worker_id,
            settings.CHECK_LEASE_SECONDS,
            settings.CHECK_SWEEP_SECONDS,
        )
        worker.configure_signals()
        worker.run()
