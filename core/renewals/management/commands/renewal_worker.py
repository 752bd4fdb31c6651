"""Run agency checks: ``manage.py renewal_worker``. Start as many as you like, anywhere that
reaches the database; SIGTERM stops one after its current check, SIGKILL loses nothing."""

from django.core.management.base import BaseCommand

from core.renewals.worker import RenewalWorker


class Command(BaseCommand):
    help = "Run the background worker for renewal agency checks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=0.2, help="Idle poll, seconds.")

    def handle(self, *args, interval: float, **options) -> None:
        worker = RenewalWorker(interval=interval)
        worker.configure_signals()
        worker.run()
