"""The append-only payment ledger (``PaymentEvent``), and the rule every change of a payment
follows: its application's row and its own locked (application first, always in that order),
the change and its ledger entry in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.applications.models import Application
from payments.models import Payment, PaymentEvent, PaymentStatus

# Never stored, whatever a message carried (the protocol puts them only in our requests).
SECRET_FIELDS = frozenset({"password", "id", "resourcekey", "resource_key"})
MAX_FIELDS = 80
MAX_VALUE = 4000


def clean_fields(fields: dict[str, Any] | None) -> dict[str, str]:
    """Every field as text, minus anything that could be a credential, bounded in size (a
    forged callback may post anything)."""
    cleaned: dict[str, str] = {}
    for key, value in list((fields or {}).items())[:MAX_FIELDS]:
        name = str(key)[:64]
        if name.lower() in SECRET_FIELDS:
            continue
        cleaned[name] = str(value)[:MAX_VALUE]
    return cleaned


def record(
    payment: Payment | None,
    kind: str,
    *,
    source: str = "",
    before: str | None = None,
    after: str | None = None,
    amount: Decimal | None = None,
    fields: dict[str, Any] | None = None,
    note: str = "",
    actor: Any = None,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        kind=kind,
        source=source,
        status_before=before if before is not None else (payment.status if payment else ""),
        status_after=after if after is not None else (payment.status if payment else ""),
        amount=amount,
        fields=clean_fields(fields),
        note=note[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def locked(payment_id: int) -> tuple[Application, Payment]:
    """The payment's application and the payment, locked in that order (call in a
    transaction)."""
    application_id = Payment.objects.values_list("application_id", flat=True).get(pk=payment_id)
    application = Application.objects.select_for_update(no_key=True).get(pk=application_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    return application, payment


def set_status(
    payment: Payment, status: str, kind: str, source: str, *, note: str = "", **changes: Any
) -> None:
    """Change a (locked) payment's status and write it down."""
    before = payment.status
    payment.status = status
    for attr, value in changes.items():
        setattr(payment, attr, value)
    if status in (PaymentStatus.CAPTURED, PaymentStatus.FAILED):
        payment.settled_at = timezone.now()
    payment.save()
    record(payment, kind, source=source, before=before, amount=payment.amount, note=note)
