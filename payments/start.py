"""Starting a payment: the quote an application holds, and one payment of it, idempotently.

The same idempotency key gives the same payment; the application's row lock makes two starts
take turns, so a second payment cannot start while one is on the gateway's page. What the payer
must see when a start is refused (the new quote after QUOTE_EXPIRED or AMOUNT_MISMATCH, the
payment in progress) comes with the answer: the GraphQL layer only shows it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.applications.kinds import reference
from core.applications.models import Application
from core.applications.selectors import actable_applications, visible_applications
from core.errors import DomainError, DomainErrors
from core.models import AuditAction
from core.scopes import Scope
from core.services.audit import audit
from payments import ledger
from payments.errors import PaymentErrorCode
from payments.gateway import PaymentData, gateway
from payments.models import Payment, PaymentStatus, Quote
from payments.quotes import current_quote, quote_issue, require_awaiting_payment

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
TRACK_ALPHABET = string.ascii_uppercase + string.digits


def session_length() -> dt.timedelta:
    """How long a payer may stay on the gateway's page: until then a started payment blocks
    another one, and a failure from an inquiry may only mean the payer has not finished."""
    return dt.timedelta(minutes=float(settings.PAYMENTS["SESSION_MINUTES"]))


def public_url(path: str) -> str:
    return f"{settings.PAYMENTS['PUBLIC_URL'].rstrip('/')}{path}"


def result_url(track_id: str) -> str:
    """Where the payer lands after the gateway."""
    return settings.PAYMENTS["RESULT_URL"].format(
        public=settings.PAYMENTS["PUBLIC_URL"].rstrip("/"), track_id=track_id
    )


def new_track_id() -> str:
    return "IQ" + "".join(secrets.choice(TRACK_ALPHABET) for _ in range(18))


def payment_data(payment: Payment) -> PaymentData:
    return PaymentData(
        track_id=payment.track_id,
        amount=payment.amount,
        currency=payment.currency,
        language=payment.language,
        response_url=public_url("/payments/knet/response"),
        error_url=public_url("/payments/knet/error"),
        payment_ref=str(payment.pk),
        application_ref=reference(payment.application),
    )


def redirect_url(payment: Payment) -> str:
    """The gateway URL for the payer. Deterministic (same payment, same URL), so it is built
    again when asked for rather than stored: it carries the encrypted credentials."""
    return gateway().redirect_url(payment_data(payment))


def locked_application(
    actor: Any, application_id: int | None, *, lock: bool, scope: str | None = None
) -> Application:
    """The application, if the actor may see it (and act on it with ``scope``: ``pay`` to
    start a payment); NOT_FOUND as for a missing one."""
    queryset = (
        actable_applications(actor, scope) if scope is not None else visible_applications(actor)
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    application = queryset.filter(pk=application_id).first() if application_id else None
    if application is None:
        raise DomainError(PaymentErrorCode.NOT_FOUND, "applicationId")
    return application


@transaction.atomic
def payment_quote(*, actor: Any, application_id: int | None) -> Quote:
    """The application's quote: the one it holds, or a new one (none yet, or it expired)."""
    application = locked_application(actor, application_id, lock=True)
    require_awaiting_payment(application)
    quote = current_quote(application)
    if quote is None or quote.expired():
        quote = quote_issue(application)
    return quote


@dataclass
class PaymentStart:
    """The answer to a start: the payment and where to send the payer, or why not (with the
    quote or the payment in progress the payer should see)."""

    payment: Payment | None = None
    redirect_url: str | None = None
    quote: Quote | None = None
    errors: list[DomainError] = field(default_factory=list)


def payment_start(
    *,
    actor: Any,
    application_id: int | None,
    idempotency_key: str,
    language: str = "en",
    expected_amount: Decimal | None = None,
) -> PaymentStart:
    """One payment of the quoted amount, and the URL to send the payer to. ``expected_amount``,
    when given, is what the payer was shown: a quote for another amount is refused."""
    key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        return _refused(DomainError(PaymentErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotencyKey"))
    try:
        return _start(actor, application_id, key, language, expected_amount)
    except DomainError as exc:
        return _refused(exc)
    except DomainErrors as exc:
        return PaymentStart(errors=exc.errors)


def _refused(error: DomainError, **shown: Any) -> PaymentStart:
    return PaymentStart(errors=[error], **shown)


def _start(
    actor: Any, application_id: int | None, key: str, language: str, expected: Decimal | None
) -> PaymentStart:
    now = timezone.now()
    with transaction.atomic():
        application = locked_application(actor, application_id, lock=True, scope=Scope.PAY)
        existing = application.payments.filter(idempotency_key=key).first()
        if existing is not None:
            live = existing.status == PaymentStatus.INITIATED
            return PaymentStart(existing, redirect_url(existing) if live else None, existing.quote)
        require_awaiting_payment(application)
        busy = (
            application.payments.filter(
                status=PaymentStatus.INITIATED, created_at__gt=now - session_length()
            )
            .order_by("-created_at")
            .first()
        )
        if busy is not None:
            minutes = int(session_length().total_seconds() // 60)
            error = DomainError(PaymentErrorCode.PAYMENT_IN_PROGRESS, None, {"minutes": minutes})
            return _refused(error, payment=busy, redirect_url=redirect_url(busy), quote=busy.quote)
        if not gateway().available():
            raise DomainError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        quote = current_quote(application)
        renewed = quote is not None and quote.expired(now)
        if quote is None or renewed:
            quote = quote_issue(application, now=now)
        if quote.total <= 0:
            raise DomainError(PaymentErrorCode.NOTHING_TO_PAY)
        if renewed:  # kept (the transaction commits): the payer reviews the new amount
            total = {"total": f"{quote.total:.3f}"}
            return _refused(DomainError(PaymentErrorCode.QUOTE_EXPIRED, None, total), quote=quote)
        if expected is not None and expected != quote.total:
            error = DomainError(PaymentErrorCode.AMOUNT_MISMATCH, "expectedAmount")
            return _refused(error, quote=quote)
        payment = Payment.objects.create(
            application=application,
            quote=quote,
            payer=actor if getattr(actor, "pk", None) else None,
            idempotency_key=key,
            gateway=gateway().name,
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
        audit(
            actor=actor,
            sponsor=application.sponsor_id,
            action=AuditAction.PAYMENT_STARTED,
            target=payment,
            detail={"application_id": application.pk, "amount": f"{payment.amount:.3f}"},
        )
        return PaymentStart(payment, redirect_url(payment), quote)
