"""Giving money back: a payment captured for an application that is already paid, that no longer
awaited payment, or that was rejected or cancelled after payment.

A refund is first *due* (marked in the payment's transaction), then asked of the gateway once
that transaction commits, one attempt at a time (a lease on the row: ``core.leases``); a failed
attempt leaves it due for reconciliation. Were an attempt's answer lost, the gateway refuses to
refund more than was captured.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import access, leases
from core.applications.machine import application_transition
from core.applications.models import Application
from core.applications.states import State
from core.errors import DomainError
from core.names import free_text
from payments import ledger
from payments.errors import PaymentErrorCode
from payments.gateway import GatewayUnavailable, Outcome, gateway
from payments.models import Payment, PaymentStatus

logger = logging.getLogger(__name__)

MONEY_TAKEN = frozenset(
    {PaymentStatus.CAPTURED, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED}
)
LEASE = leases.LeaseColumns(until="refund_claimed_until", attempts="refund_attempts")


def refund_due(payment: Payment, reason: str, *, amount: Decimal | None, source: str) -> None:
    """Money was taken that must go back: mark it (the payment locked), then refund once the
    transaction commits."""
    logger.warning("payment %s will be refunded: %s", payment.track_id, reason)
    ledger.set_status(
        payment,
        PaymentStatus.REFUND_PENDING,
        "refund_due",
        source,
        note=reason,
        refund_reason=reason[:300],
        refund_amount=amount,
    )
    payment_id = payment.pk
    transaction.on_commit(lambda: payment_refund(payment_id))


def refunds_for_closed_application(application_id: int, *, source: str) -> int:
    """Refund the captured payments of an application rejected or cancelled after payment."""
    with transaction.atomic():
        application = Application.objects.select_for_update(no_key=True).get(pk=application_id)
        if application.state not in (State.REJECTED, State.CANCELLED):
            return 0
        captured = list(
            application.payments.select_for_update().filter(status=PaymentStatus.CAPTURED)
        )
        for payment in captured:
            reason = f"the application was {application.state} after payment"
            refund_due(payment, reason, amount=payment.amount, source=source)
    return len(captured)


def payment_refund(payment_id: int) -> Payment:
    """Ask the gateway to give a refund-pending payment's money back (one attempt)."""
    lease = dt.timedelta(seconds=float(settings.PAYMENTS["REFUND_LEASE_SECONDS"]))
    claimed = leases.claim(
        Payment,
        payment_id,
        columns=LEASE,
        lease=lease,
        eligible=Q(status=PaymentStatus.REFUND_PENDING),
        on_claim=lambda payment: ["updated_at"],
    )
    if claimed is None:
        return Payment.objects.get(pk=payment_id)
    payment = claimed.row
    amount = payment.refund_amount or payment.amount
    try:
        answer = gateway().refund(
            track_id=payment.track_id, transaction_id=payment.transaction_id, amount=amount
        )
    except GatewayUnavailable as exc:
        with transaction.atomic():
            ledger.record(
                Payment.objects.select_for_update().get(pk=payment_id),
                "refund_failed",
                source="refund",
                amount=amount,
                note=str(exc),
            )
        leases.release(Payment, claimed, columns=LEASE)
        return Payment.objects.get(pk=payment_id)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        ledger.record(
            payment,
            "refund",
            source="refund",
            amount=amount,
            fields=answer.fields,
            note=answer.result,
        )
        if answer.outcome == Outcome.APPROVED and payment.status == PaymentStatus.REFUND_PENDING:
            ledger.set_status(
                payment,
                PaymentStatus.REFUNDED,
                "refunded",
                "refund",
                note=f"refund {answer.transaction_id}",
                refunded_at=timezone.now(),
                refund_claimed_until=None,
            )
            return payment
        if answer.outcome != Outcome.APPROVED:
            logger.error(
                "the gateway refused to refund %s: %s %s",
                payment.track_id,
                answer.result,
                answer.error_code,
            )
    leases.release(Payment, claimed, columns=LEASE)
    return Payment.objects.get(pk=payment_id)


@transaction.atomic
def application_reject_after_payment(
    *, actor: Any, application_id: int | None, reason: str
) -> Application:
    """Back office: reject a paid application that cannot be issued; its payment is refunded."""
    if not access.is_back_office(actor):
        raise DomainError(PaymentErrorCode.NOT_FOUND, "applicationId")
    reason = free_text(reason, 200)
    if not reason:
        raise DomainError(PaymentErrorCode.INVALID_TEXT, "reason")
    application = (
        Application.objects.select_for_update(no_key=True).filter(pk=application_id).first()
    )
    if application is None:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "applicationId")
    if application.state != State.PAID:
        raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})
    application_transition(application, State.REJECTED, actor=actor, reason=reason)
    for payment in application.payments.select_for_update().filter(status=PaymentStatus.CAPTURED):
        refund_due(
            payment,
            f"rejected after payment: {reason}"[:300],
            amount=payment.amount,
            source="staff",
        )
    return application
