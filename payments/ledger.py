"""Writing the append-only payment ledger (``PaymentEvent``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from payments.models import Payment, PaymentEvent

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
