"""What the gateway tells us about a payment, and settling it by the gateway's own record.

- A payment is *captured* only when the gateway's inquiry (server to server) says so with our
  track id and amount; a callback alone never captures.
- A callback is read by the gateway (decrypted, checked) and then against the payment (track
  id, amount, currency, our reference) before anything else; a duplicate or replay changes
  nothing, a forged one is rejected, logged and kept in the ledger.
- At most one payment of an application is captured (also a database constraint); money taken
  for an application that is already paid, or no longer awaits payment, is refunded.
- A capture makes the application paid, then issued (``payments.issuing``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.applications.machine import application_transition
from core.applications.models import Application
from core.applications.states import State
from core.errors import DomainError
from payments import ledger
from payments.errors import PaymentErrorCode
from payments.gateway import (
    FAILING,
    TRACK_ID,
    GatewayResponse,
    GatewayUnavailable,
    InvalidGatewayMessage,
    Outcome,
    gateway,
)
from payments.issuing import issue_after_commit
from payments.models import Payment, PaymentStatus, Receipt
from payments.refunds import MONEY_TAKEN, payment_refund, refund_due
from payments.selectors import visible_payments
from payments.start import result_url, session_length
from payments.webhooks import publish_captured

logger = logging.getLogger(__name__)


def _reject(
    reason: str,
    *,
    track_id: str,
    fields: dict,
    source: str,
    remote_addr: str,
    payment: Payment | None = None,
) -> None:
    logger.warning(
        "gateway %s rejected: %s (track id %r, from %s)",
        source,
        reason,
        track_id[:40],
        remote_addr or "?",
    )
    ledger.record(
        payment,
        f"{source}_rejected",
        source=source,
        fields={**fields, "remote_addr": remote_addr},
        note=reason,
    )


def _problem(payment: Payment, response: GatewayResponse) -> str | None:
    """Why a message does not belong to this payment, if it does not."""
    if not response.authenticated:
        return None  # it can only make us ask the gateway
    if response.amount is None and response.outcome == Outcome.APPROVED:
        return "a capture without an amount"
    if response.amount is not None and response.amount != payment.amount:
        return f"amount {response.amount} differs from the payment's {payment.amount}"
    if response.payment_ref and response.payment_ref != str(payment.pk):
        return "it names another payment"
    if response.currency and response.currency != payment.currency:
        return "another currency"
    return None


def _remember(payment: Payment, response: GatewayResponse) -> None:
    """Keep what the gateway said on the payment row (the ledger has every message). An
    inquiry's verdict is not the payment's result."""
    for attr, value in (
        ("gateway_payment_id", response.payment_id),
        ("result", response.result if response.kind != "inquiry" else ""),
        ("auth_code", response.auth_code),
        ("reference", response.reference),
        ("transaction_id", response.transaction_id),
        ("post_date", response.post_date),
        ("error_code", response.error_code),
        ("error_text", response.error_text[:300]),
    ):
        if value:
            setattr(payment, attr, value[:40] if attr != "error_text" else value)
    payment.gateway_fields = ledger.clean_fields(response.fields)


def _by_track_id(track_id: str) -> Payment | None:
    if not track_id or not TRACK_ID.fullmatch(track_id):
        return None
    return Payment.objects.filter(track_id=track_id).first()


def payment_callback(posted: dict[str, str], *, remote_addr: str = "") -> str:
    """The gateway's post to our response URL. Returns where the payer goes next."""
    try:
        response = gateway().read_callback(posted)
    except InvalidGatewayMessage as exc:
        payment = _by_track_id(exc.track_id)
        _reject(
            exc.reason,
            track_id=exc.track_id,
            fields=exc.fields or posted,
            source="callback",
            remote_addr=remote_addr,
            payment=payment,
        )
        return result_url(payment.track_id if payment else "unknown")
    return _handle(response, source="callback", remote_addr=remote_addr)


def payment_error_redirect(query: dict[str, str], *, remote_addr: str = "") -> str:
    """The payer arrives at our error URL (the gateway's error redirect)."""
    try:
        response = gateway().read_error_redirect(query)
    except InvalidGatewayMessage as exc:
        _reject(
            exc.reason,
            track_id=exc.track_id,
            fields=exc.fields or query,
            source="error",
            remote_addr=remote_addr,
            payment=_by_track_id(exc.track_id),
        )
        return result_url("unknown")
    return _handle(response, source="error", remote_addr=remote_addr)


def _handle(response: GatewayResponse, *, source: str, remote_addr: str) -> str:
    payment = _by_track_id(response.track_id)
    reject = {"track_id": response.track_id, "fields": response.fields, "source": source}
    if payment is None:
        _reject("unknown track id", remote_addr=remote_addr, **reject)
        return result_url("unknown")
    if problem := _problem(payment, response):
        _reject(problem, remote_addr=remote_addr, payment=payment, **reject)
        return result_url(payment.track_id)
    confirm = False
    with transaction.atomic():
        _, payment = ledger.locked(payment.pk)
        if payment.status in MONEY_TAKEN:
            ledger.record(payment, f"{source}_duplicate", source=source, fields=response.fields)
        else:
            before = payment.status
            _remember(payment, response)
            trusted_failure = response.authenticated and response.outcome in FAILING
            if trusted_failure and payment.status == PaymentStatus.INITIATED:
                payment.status = PaymentStatus.FAILED
                payment.settled_at = timezone.now()
            payment.save()
            ledger.record(
                payment,
                source,
                source=source,
                before=before,
                amount=response.amount,
                fields=response.fields,
                note=response.result,
            )
            # A capture is confirmed by inquiry before anything; so is an error report, which
            # anyone could post: the gateway's own record then decides.
            confirm = response.outcome in (Outcome.APPROVED, Outcome.ERROR)
    if confirm:
        with contextlib.suppress(GatewayUnavailable):  # recorded; reconciliation asks again
            inquire_and_settle(
                payment.pk, source=source, error_reported=response.outcome == Outcome.ERROR
            )
    return result_url(payment.track_id)


def inquire_and_settle(
    payment_id: int, *, source: str, error_reported: bool = False
) -> tuple[Payment, GatewayResponse | None]:
    """Ask the gateway what became of a payment and act on its answer. Raises
    GatewayUnavailable (after recording the failed attempt) when it cannot be asked."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in (PaymentStatus.INITIATED, PaymentStatus.FAILED):
        return payment, None
    try:
        answer = gateway().inquire(track_id=payment.track_id, amount=payment.amount)
    except GatewayUnavailable as exc:
        ledger.record(payment, "inquiry_failed", source=source, note=str(exc))
        raise
    settled = _apply_inquiry(payment.pk, answer, source=source, error_reported=error_reported)
    return settled, answer


def _apply_inquiry(
    payment_id: int, answer: GatewayResponse, *, source: str, error_reported: bool = False
) -> Payment:
    """Act on the gateway's own record. DECLINED ends a payment once its session is over
    (before, the payer may still be on the page), or at once when an error was reported."""
    now = timezone.now()
    with transaction.atomic():
        application, payment = ledger.locked(payment_id)
        ledger.record(
            payment,
            "inquiry",
            source=source,
            amount=answer.amount,
            fields=answer.fields,
            note=answer.result,
        )
        if payment.status not in (PaymentStatus.INITIATED, PaymentStatus.FAILED):
            return payment  # settled meanwhile by another callback or reconciliation
        if answer.outcome == Outcome.ERROR:
            logger.warning(
                "inquiry of %s answered %s", payment.track_id, answer.error_code or "an error"
            )
            return payment
        if answer.track_id and answer.track_id != payment.track_id:
            logger.error("inquiry of %s answered for another track id", payment.track_id)
            ledger.record(payment, "inquiry_rejected", source=source, note="another track id")
            return payment
        if answer.outcome == Outcome.APPROVED:
            if answer.amount != payment.amount:
                logger.error(
                    "the gateway captured %s for %s, which is for %s",
                    answer.amount,
                    payment.track_id,
                    payment.amount,
                )
                _remember(payment, answer)
                reason = f"captured {answer.amount}, not the {payment.amount} due"
                refund_due(payment, reason, amount=answer.amount, source=source)
                return payment
            _capture(application, payment, answer, source=source)
        elif answer.outcome == Outcome.DECLINED:
            session_over = payment.created_at <= now - session_length()
            if payment.status == PaymentStatus.INITIATED and (session_over or error_reported):
                ledger.set_status(
                    payment, PaymentStatus.FAILED, "failed", source, note=answer.result
                )
            elif payment.status == PaymentStatus.INITIATED:
                logger.warning(
                    "inquiry of %s: declined while its session may still be open",
                    payment.track_id,
                )
        else:  # uncertain: ask again later
            logger.warning("inquiry of %s: %s", payment.track_id, answer.result)
    return payment


def _capture(
    application: Application, payment: Payment, answer: GatewayResponse, *, source: str
) -> None:
    _remember(payment, answer)
    other = application.payments.filter(status=PaymentStatus.CAPTURED).exclude(pk=payment.pk)
    other = other.first()
    if application.state != State.AWAITING_PAYMENT or other is not None:
        reason = (
            f"the application was already paid by {other.track_id}"
            if other
            else f"the application is {application.state}"
        )
        refund_due(payment, reason, amount=payment.amount, source=source)
        return
    now = timezone.now()
    payment.result = payment.result or answer.result
    ledger.set_status(payment, PaymentStatus.CAPTURED, "captured", source, captured_at=now)
    receipt = Receipt.objects.create(
        payment=payment, number=receipt_number(payment, now), issued_at=now
    )
    application_transition(
        application, State.PAID, actor=None, reason=f"payment {payment.track_id} captured"
    )
    publish_captured(application, payment, receipt)
    issue_after_commit(application.pk)


def receipt_number(payment: Payment, now: dt.datetime) -> str:
    return f"R-{timezone.localtime(now):%Y}-{payment.pk:06d}"


def payment_check(*, actor: Any, payment_id: int | None) -> Payment:
    """The payer (or an officer) asks for the outcome now, instead of waiting for
    reconciliation."""
    payment = visible_payments(actor).filter(pk=payment_id).first() if payment_id else None
    if payment is None:
        raise DomainError(PaymentErrorCode.UNKNOWN_PAYMENT, "paymentId")
    if payment.status in (PaymentStatus.INITIATED, PaymentStatus.FAILED):
        try:
            payment, answer = inquire_and_settle(payment.pk, source="check")
        except GatewayUnavailable as exc:
            raise DomainError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from exc
        if answer is not None and answer.outcome == Outcome.ERROR:
            raise DomainError(
                PaymentErrorCode.GATEWAY_ERROR, None, {"error_code": answer.error_code or "?"}
            )
    elif payment.status == PaymentStatus.REFUND_PENDING:
        payment = payment_refund(payment.pk)
    payment.refresh_from_db()
    return payment


def settle_by_inquiry(payment_id: int, *, source: str) -> Payment:
    return inquire_and_settle(payment_id, source=source)[0]
