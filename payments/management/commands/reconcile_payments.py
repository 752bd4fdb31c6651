"""``manage.py reconcile_payments [--every SECONDS]``: see ``payments.reconcile``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from payments.reconcile import payments_reconcile


class Command(BaseCommand):
    help = "Settle payments whose callback never came (KNET inquiry), refund, issue, report."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Run again every SECONDS (default: once)."
        )

    def handle(self, *args, every: float, **options) -> None:
        while True:
            done = payments_reconcile()
            self.stdout.write(
                f"inquired {done.inquired} {done.settled or ''} unreachable {done.unreachable} "
                f"refunded {done.refunds} issued {done.issued} reports {done.reports} "
                f"errors {done.errors}"
            )
            if not every:
                return
            close_old_connections()
            time.sleep(every)
