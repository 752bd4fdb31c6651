"""Payments: the facade between applications, the gateway and the ledger.

Every change of a payment happens with its application's row and its own row locked
(``select_for_update``, application first, always in that order) and is written to the ledger
in the same transaction. Gateway calls are made outside any lock. The rules:

- a payment is *captured* only when the gateway's inquiry (server to server) says so with our
  track id and amount; a callback alone never captures;
- a callback is decrypted and checked against the payment (track id, amount, currency, our
  udf) before anything else; a duplicate or replay changes nothing, a forged one is rejected,
  logged and kept in the ledger;
- at most one payment of an application is captured (also a database constraint); money taken
  for an application that is already paid, or no longer awaits payment, is refunded;
- a capture makes the application paid, then issued (``payments.issuing``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import secrets
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import access
from core.errors import DomainError, PaymentErrorCode
from core.names import free_text
from core.renewals.models import RenewalApplication
from core.renewals.services import application_transition
from core.renewals.states import State
from payments import ledger
from payments.gateway import (
    GatewayResponse,
    GatewayUnavailable,
    InvalidGatewayMessage,
    PaymentData,
    gateway,
)
from payments.gateways.knet import protocol
from payments.models import Payment, PaymentStatus, Quote, Receipt
from payments.quotes import current_quote, quote_issue

logger = logging.getLogger(__name__)

DEFAULTS = {
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "RESULT_URL": "{public}/payments/knet/result/{track_id}",
    "SESSION_MINUTES": 20,
    "RECONCILE_AFTER_SECONDS": 120,
    "REFUND_LEASE_SECONDS": 60,
}
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
TRACK_ALPHABET = string.ascii_uppercase + string.digits
MONEY_TAKEN = frozenset(
    {PaymentStatus.CAPTURED, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED}
)
# Outcomes a decrypted message reports (so encrypted with our key): trusted to fail a payment.
FAILURES = frozenset(
    {protocol.Result.NOT_CAPTURED, protocol.Result.CANCELED, protocol.Result.HOST_TIMEOUT}
)


def config() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "PAYMENTS", {})}


def session_length() -> dt.timedelta:
    """How long a payer may stay on the gateway's page: until then a started payment blocks
    another one, and a FAILURE from an inquiry may only mean the payer has not finished."""
    return dt.timedelta(minutes=float(config()["SESSION_MINUTES"]))


def _public(path: str) -> str:
    return f"{config()['PUBLIC_URL'].rstrip('/')}{path}"


def result_url(track_id: str) -> str:
    """Where the payer lands after the gateway (the ``REDIRECT=`` of our response page)."""
    return config()["RESULT_URL"].format(
        public=config()["PUBLIC_URL"].rstrip("/"), track_id=track_id
    )


def new_track_id() -> str:
    return "IQ" + "".join(secrets.choice(TRACK_ALPHABET) for _ in range(18))


def payment_data(payment: Payment) -> PaymentData:
    return PaymentData(
        track_id=payment.track_id,
        amount=payment.amount,
        language=payment.language,
        response_url=_public("/payments/knet/response"),
        error_url=_public("/payments/knet/error"),
        udf=(payment.application.reference, str(payment.pk), payment.currency, "", ""),
    )


def redirect_url(payment: Payment) -> str:
    """The gateway URL for the payer. Deterministic (same payment, same URL), so it is built
    again when asked for rather than stored: it carries the encrypted credentials."""
    return gateway().redirect_url(payment_data(payment))


# -- who may pay ------------------------------------------------------------------------------


def _application(actor: Any, application_id: int | None, *, lock: bool) -> RenewalApplication:
    """The application, if the actor acts for its sponsor (or is back office); locked if
    asked. Anyone else gets NOT_FOUND, as for a missing one."""
    queryset = RenewalApplication.objects.all()
    if not access.is_back_office(actor):
        queryset = queryset.filter(sponsor__in=access.represented_sponsors(actor).values("pk"))
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    application = queryset.filter(pk=application_id).first() if application_id else None
    if application is None:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "applicationId")
    return application


def visible_payments(actor: Any):
    if access.is_back_office(actor):
        return Payment.objects.all()
    return Payment.objects.filter(
        application__sponsor__in=access.represented_sponsors(actor).values("pk")
    )


# -- quoting and starting ---------------------------------------------------------------------


@transaction.atomic
def payment_quote(*, actor: Any, application_id: int | None) -> Quote:
    """The application's quote: the one it holds, or a new one (none yet, or it expired)."""
    application = _application(actor, application_id, lock=True)
    if application.state != State.AWAITING_PAYMENT:
        raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})
    quote = current_quote(application)
    if quote is None or quote.expired():
        quote = quote_issue(application)
    return quote


@dataclass
class StartedPayment:
    payment: Payment
    redirect_url: str | None


class QuoteExpired(DomainError):
    """The quote the payer saw expired; a new one was issued (and kept) for them to review."""

    def __init__(self, quote: Quote):
        super().__init__(PaymentErrorCode.QUOTE_EXPIRED, None, {"total": f"{quote.total:.3f}"})
        self.quote = quote


class AmountMismatch(DomainError):
    """The payer was shown another amount than the quote's: show them the quote again."""

    def __init__(self, quote: Quote):
        super().__init__(PaymentErrorCode.AMOUNT_MISMATCH, "expectedAmount")
        self.quote = quote


class PaymentInProgress(DomainError):
    """Another payment of the application is still on the gateway's page."""

    def __init__(self, payment: Payment):
        minutes = int(session_length().total_seconds() // 60)
        super().__init__(PaymentErrorCode.PAYMENT_IN_PROGRESS, None, {"minutes": minutes})
        self.payment = payment


def payment_start(
    *,
    actor: Any,
    application_id: int | None,
    idempotency_key: str,
    language: str = "en",
    expected_amount: Decimal | None = None,
) -> StartedPayment:
    """One payment of the quoted amount, and the URL to send the payer to. The same key gives
    the same payment; the application's row lock makes two starts take turns, so a second
    payment cannot start while one is on the gateway's page. ``expected_amount``, when given,
    is what the payer was shown: a quote for another amount is refused (AMOUNT_MISMATCH)."""
    key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise DomainError(PaymentErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotencyKey")
    now = timezone.now()
    with transaction.atomic():
        application = _application(actor, application_id, lock=True)
        existing = application.payments.filter(idempotency_key=key).first()
        if existing is not None:
            live = existing.status == PaymentStatus.INITIATED
            return StartedPayment(existing, redirect_url(existing) if live else None)
        if application.state != State.AWAITING_PAYMENT:
            raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})
        busy = (
            application.payments.filter(
                status=PaymentStatus.INITIATED, created_at__gt=now - session_length()
            )
            .order_by("-created_at")
            .first()
        )
        if busy is not None:
            raise PaymentInProgress(busy)
        if not gateway().available():
            raise DomainError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        quote = current_quote(application)
        if quote is None or quote.expired(now):
            renewed = quote is not None
            quote = quote_issue(application, now=now)
        else:
            renewed = False
        if quote.total <= 0:
            raise DomainError(PaymentErrorCode.NOTHING_TO_PAY)
        mismatch = expected_amount is not None and expected_amount != quote.total
        if not renewed and not mismatch:
            payment = Payment.objects.create(
                application=application,
                quote=quote,
                payer=actor if getattr(actor, "pk", None) else None,
                idempotency_key=key,
                track_id=new_track_id(),
                amount=quote.total,
                language="ar" if language.startswith("ar") else "en",
                created_at=now,
            )
            ledger.record(
                payment,
                "started",
                source="start",
                before="",
                amount=payment.amount,
                fields={"quote_id": quote.pk, "language": payment.language},
                actor=actor,
            )
            return StartedPayment(payment, redirect_url(payment))
    # Raised after the commit, so the quote to review is kept.
    if renewed:
        raise QuoteExpired(quote)
    raise AmountMismatch(quote)


# -- what the gateway tells us ----------------------------------------------------------------


def _locked(payment_id: int) -> tuple[RenewalApplication, Payment]:
    application_id = Payment.objects.values_list("application_id", flat=True).get(pk=payment_id)
    application = RenewalApplication.objects.select_for_update().get(pk=application_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    return application, payment


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
        "KNET %s rejected: %s (track id %r, from %s)",
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
    """Why a decrypted message does not belong to this payment, if it does not."""
    if response.result == protocol.ERROR and response.kind in ("callback", "error"):
        return None  # an unauthenticated error report: it can only fail a payment
    if response.amount is None and response.result == protocol.Result.CAPTURED:
        return "a capture without an amount"
    if response.amount is not None and response.amount != payment.amount:
        return f"amount {response.amount} differs from the payment's {payment.amount}"
    fields = response.fields
    if fields.get("udf2") and fields["udf2"] != str(payment.pk):
        return "udf2 names another payment"
    if fields.get("udf3") and fields["udf3"] != payment.currency:
        return "udf3 names another currency"
    if fields.get("currencycode") and fields["currencycode"] != protocol.CURRENCY_KWD:
        return "another currency"
    return None


def _remember(payment: Payment, response: GatewayResponse) -> None:
    """Keep what the gateway said on the payment row (the ledger has every message). An
    inquiry's verdict (SUCCESS, …) is not the payment's result."""
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


def payment_callback(posted: dict[str, str], *, remote_addr: str = "") -> str:
    """KNET's post to our response URL. Returns where the payer goes next."""
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
    """The payer arrives at our error URL (KNET's error redirect)."""
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


def _by_track_id(track_id: str) -> Payment | None:
    if not track_id or not protocol.TRACK_ID.fullmatch(track_id):
        return None
    return Payment.objects.filter(track_id=track_id).first()


def _handle(response: GatewayResponse, *, source: str, remote_addr: str) -> str:
    payment = _by_track_id(response.track_id)
    if payment is None:
        _reject(
            "unknown track id",
            track_id=response.track_id,
            fields=response.fields,
            source=source,
            remote_addr=remote_addr,
        )
        return result_url("unknown")
    if problem := _problem(payment, response):
        _reject(
            problem,
            track_id=response.track_id,
            fields=response.fields,
            source=source,
            remote_addr=remote_addr,
            payment=payment,
        )
        return result_url(payment.track_id)
    confirm = False
    with transaction.atomic():
        _, payment = _locked(payment.pk)
        if payment.status in MONEY_TAKEN:
            ledger.record(payment, f"{source}_duplicate", source=source, fields=response.fields)
        else:
            before = payment.status
            _remember(payment, response)
            if response.result in FAILURES and payment.status == PaymentStatus.INITIATED:
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
            # A capture is confirmed by inquiry before anything; so is a plain-text error
            # report, which anyone could post: KNET's own FAILURE then ends the payment.
            confirm = response.result in (protocol.Result.CAPTURED, protocol.ERROR)
    if confirm:
        with contextlib.suppress(GatewayUnavailable):  # recorded; reconciliation asks again
            inquire_and_settle(
                payment.pk, source=source, error_reported=response.result == protocol.ERROR
            )
    return result_url(payment.track_id)


def settle_by_inquiry(payment_id: int, *, source: str) -> Payment:
    """Ask the gateway what became of a payment and act on its answer. Raises
    GatewayUnavailable (after recording the failed attempt) when it cannot be asked."""
    return inquire_and_settle(payment_id, source=source)[0]


def inquire_and_settle(
    payment_id: int, *, source: str, error_reported: bool = False
) -> tuple[Payment, GatewayResponse | None]:
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
    """Act on KNET's own record. FAILURE ends a payment once its session is over (before, the
    payer may still be on the page), or at once when an error was reported for it."""
    now = timezone.now()
    with transaction.atomic():
        application, payment = _locked(payment_id)
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
        if answer.result == protocol.ERROR:
            logger.warning(
                "KNET inquiry of %s answered %s", payment.track_id, answer.error_code or "an error"
            )
            return payment
        if answer.track_id and answer.track_id != payment.track_id:
            logger.error("KNET inquiry of %s answered for another track id", payment.track_id)
            ledger.record(payment, "inquiry_rejected", source=source, note="another track id")
            return payment
        if answer.result == protocol.InquiryResult.SUCCESS:
            if answer.amount != payment.amount:
                logger.error(
                    "KNET captured %s for %s, which is for %s",
                    answer.amount,
                    payment.track_id,
                    payment.amount,
                )
                _remember(payment, answer)
                _refund_due(
                    payment,
                    f"captured {answer.amount}, not the {payment.amount} due",
                    amount=answer.amount,
                    source=source,
                )
                return payment
            _capture(application, payment, answer, source=source)
        elif answer.result == protocol.InquiryResult.FAILURE:
            session_over = payment.created_at <= now - session_length()
            if payment.status == PaymentStatus.INITIATED and (session_over or error_reported):
                _set_status(payment, PaymentStatus.FAILED, "failed", source, note="KNET: FAILURE")
            elif payment.status == PaymentStatus.INITIATED:
                logger.warning(
                    "KNET inquiry of %s: FAILURE while its session may still be open",
                    payment.track_id,
                )
        else:  # SUSPECTED, or anything we do not know: ask again later
            logger.warning("KNET inquiry of %s: %s", payment.track_id, answer.result)
    return payment


def _set_status(
    payment: Payment, status: str, kind: str, source: str, *, note: str = "", **changes: Any
) -> None:
    before = payment.status
    payment.status = status
    for attr, value in changes.items():
        setattr(payment, attr, value)
    if status in (PaymentStatus.CAPTURED, PaymentStatus.FAILED):
        payment.settled_at = timezone.now()
    payment.save()
    ledger.record(payment, kind, source=source, before=before, amount=payment.amount, note=note)


def _capture(
    application: RenewalApplication, payment: Payment, answer: GatewayResponse, *, source: str
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
        _refund_due(payment, reason, amount=payment.amount, source=source)
        return
    now = timezone.now()
    payment.result = protocol.Result.CAPTURED
    _set_status(payment, PaymentStatus.CAPTURED, "captured", source, captured_at=now)
    Receipt.objects.create(payment=payment, number=receipt_number(payment, now), issued_at=now)
    application_transition(
        application, State.PAID, actor=None, reason=f"KNET payment {payment.track_id} captured"
    )
    application_id = application.pk
    transaction.on_commit(lambda: _issue_after_capture(application_id))


def receipt_number(payment: Payment, now: dt.datetime) -> str:
    return f"R-{timezone.localtime(now):%Y}-{payment.pk:06d}"


def _issue_after_capture(application_id: int) -> None:
    from payments.issuing import application_issue

    try:
        application_issue(application_id)
    except Exception:  # the payment stands; reconciliation issues it again
        logger.exception("issuing application %s after its payment failed", application_id)


# -- refunds ----------------------------------------------------------------------------------


def _refund_due(payment: Payment, reason: str, *, amount, source: str) -> None:
    """Money was taken that must go back: mark it, then refund once the transaction commits."""
    logger.warning("payment %s will be refunded: %s", payment.track_id, reason)
    _set_status(
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
        application = RenewalApplication.objects.select_for_update().get(pk=application_id)
        if application.state not in (State.REJECTED, State.CANCELLED):
            return 0
        captured = list(
            application.payments.select_for_update().filter(status=PaymentStatus.CAPTURED)
        )
        for payment in captured:
            _refund_due(
                payment,
                f"the application was {application.state} after payment",
                amount=payment.amount,
                source=source,
            )
    return len(captured)


def payment_refund(payment_id: int) -> Payment:
    """Ask the gateway (tranPipe action 2) to give a refund-pending payment's money back. One
    attempt at a time (a lease on the row); a failure leaves it pending for reconciliation.
    Were an attempt's answer lost, the gateway refuses to refund more than was captured."""
    now = timezone.now()
    lease = dt.timedelta(seconds=float(config()["REFUND_LEASE_SECONDS"]))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.REFUND_PENDING:
            return payment
        if payment.refund_claimed_until and payment.refund_claimed_until > now:
            return payment
        payment.refund_claimed_until = now + lease
        payment.refund_attempts += 1
        payment.save(update_fields=["refund_claimed_until", "refund_attempts", "updated_at"])
        attempt = payment.refund_attempts
    amount = payment.refund_amount or payment.amount
    try:
        answer = gateway().refund(
            track_id=payment.track_id, transaction_id=payment.transaction_id, amount=amount
        )
    except GatewayUnavailable as exc:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            ledger.record(payment, "refund_failed", source="refund", amount=amount, note=str(exc))
            if payment.refund_attempts == attempt:
                payment.refund_claimed_until = None
                payment.save(update_fields=["refund_claimed_until", "updated_at"])
        return payment
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
        refunded = answer.result in (protocol.Result.CAPTURED, protocol.InquiryResult.SUCCESS)
        if refunded and payment.status == PaymentStatus.REFUND_PENDING:
            _set_status(
                payment,
                PaymentStatus.REFUNDED,
                "refunded",
                "refund",
                note=f"KNET refund {answer.transaction_id}",
                refunded_at=timezone.now(),
                refund_claimed_until=None,
            )
        elif not refunded:
            logger.error(
                "KNET refused to refund %s: %s %s",
                payment.track_id,
                answer.result,
                answer.error_code,
            )
            payment.refund_claimed_until = None
            payment.save(update_fields=["refund_claimed_until", "updated_at"])
    return payment


@transaction.atomic
def application_reject_after_payment(
    *, actor: Any, application_id: int | None, reason: str
) -> RenewalApplication:
    """Back office: reject a paid application that cannot be issued; its payment is refunded."""
    if not access.is_back_office(actor):
        raise DomainError(PaymentErrorCode.NOT_FOUND, "applicationId")
    reason = free_text(reason, 200)
    if not reason:
        raise DomainError(PaymentErrorCode.INVALID_TEXT, "reason")
    application = _application(actor, application_id, lock=True)
    if application.state != State.PAID:
        raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})
    application_transition(application, State.REJECTED, actor=actor, reason=reason[:300])
    for payment in application.payments.select_for_update().filter(status=PaymentStatus.CAPTURED):
        _refund_due(
            payment,
            f"rejected after payment: {reason}"[:300],
            amount=payment.amount,
            source="staff",
        )
    return application


# -- asking on demand -------------------------------------------------------------------------


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
        if answer is not None and answer.result == protocol.ERROR:
            raise DomainError(
                PaymentErrorCode.GATEWAY_ERROR, None, {"error_code": answer.error_code or "?"}
            )
    elif payment.status == PaymentStatus.REFUND_PENDING:
        payment = payment_refund(payment.pk)
    payment.refresh_from_db()
    return payment
