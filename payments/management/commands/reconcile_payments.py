"""``manage.py reconcile_payments``: one pass of ``payments.reconcile`` now, by hand. The
application workers run it on their own every ``PAYMENT_RECONCILE_SECONDS``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from payments.reconcile import payments_reconcile


class Command(BaseCommand):
    help = "One pass now: settle payments whose callback never came (KNET inquiry), refund, issue."

    def handle(self, *args, **options) -> None:
        self.stdout.write(payments_reconcile().summary())
