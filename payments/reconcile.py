"""Reconciliation: settle what the callbacks did not, and finish what a crash left half done.

One pass (``payments_reconcile``), run by the application workers as a periodic job (every
``PAYMENTS["RECONCILE_SECONDS"]``, one worker at a time: ``core.applications.periodic``) and
by ``manage.py reconcile_payments`` (once, by hand), asks the gateway about every payment
still *initiated* after ``PAYMENTS["RECONCILE_AFTER_SECONDS"]`` (its callback never came, or
could not be confirmed) and settles it by the answer; refunds what must be refunded; issues
paid applications whose issuing failed; delivers the agency reports still pending. Every step
is idempotent, so passes may overlap.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.applications.states import State
from payments.gateway import GatewayUnavailable
from payments.issuing import application_issue, report_deliver
from payments.models import AgencyReport, Payment, PaymentStatus, ReportStatus
from payments.refunds import payment_refund, refunds_for_closed_application
from payments.settle import settle_by_inquiry

logger = logging.getLogger(__name__)


@dataclass
class Reconciled:
    inquired: int = 0
    settled: dict[str, int] = field(default_factory=dict)
    unreachable: int = 0
    refunds: int = 0
    issued: int = 0
    reports: int = 0
    errors: int = 0

    def summary(self) -> str:
        return (
            f"inquired {self.inquired} {self.settled or ''} unreachable {self.unreachable} "
            f"refunded {self.refunds} issued {self.issued} reports {self.reports} "
            f"errors {self.errors}"
        )


def payments_reconcile(*, now: dt.datetime | None = None) -> Reconciled:
    now = now or timezone.now()
    done = Reconciled()
    after = dt.timedelta(seconds=float(settings.PAYMENTS["RECONCILE_AFTER_SECONDS"]))
    stale = Payment.objects.filter(
        status=PaymentStatus.INITIATED, created_at__lte=now - after
    ).values_list("pk", flat=True)
    for payment_id in list(stale):
        try:
            payment = settle_by_inquiry(payment_id, source="reconcile")
        except GatewayUnavailable:
            done.unreachable += 1
            break  # the gateway is down: the next pass tries again
        except Exception:
            done.errors += 1
            logger.exception("reconciling payment %s failed", payment_id)
            continue
        done.inquired += 1
        done.settled[payment.status] = done.settled.get(payment.status, 0) + 1

    closed = Payment.objects.filter(
        status=PaymentStatus.CAPTURED,
        application__state__in=[State.REJECTED, State.CANCELLED],
    ).values_list("application_id", flat=True)
    for application_id in set(closed):
        refunds_for_closed_application(application_id, source="reconcile")
    for payment_id in list(
        Payment.objects.filter(status=PaymentStatus.REFUND_PENDING).values_list("pk", flat=True)
    ):
        try:
            if payment_refund(payment_id).status == PaymentStatus.REFUNDED:
                done.refunds += 1
        except Exception:
            done.errors += 1
            logger.exception("refunding payment %s failed", payment_id)

    paid = Payment.objects.filter(
        status=PaymentStatus.CAPTURED, application__state=State.PAID
    ).values_list("application_id", flat=True)
    for application_id in list(paid):
        try:
            done.issued += application_issue(application_id)
        except Exception:
            done.errors += 1
            logger.exception("issuing application %s failed", application_id)

    for report_id in list(
        AgencyReport.objects.filter(status=ReportStatus.PENDING).values_list("pk", flat=True)
    ):
        try:
            done.reports += report_deliver(report_id) == "delivered"
        except Exception:
            done.errors += 1
            logger.exception("delivering agency report %s failed", report_id)
    return done


def payments_reconcile_job() -> str:
    """The workers' periodic pass: its summary when it did anything (for the log)."""
    done = payments_reconcile()
    return done.summary() if done != Reconciled() else ""
