"""What a receipt says, as plain data: the renderer knows nothing of models.

The lead's adapter builds a ``ReceiptData`` from a payment and its receipt (docs/receipts.md).
Amounts are ``Decimal`` Kuwaiti dinars with at most three decimals (fils); anything else — a
float, a fourth decimal, a negative fee, a total that is not the sum of the lines — is refused
here, before a document that would be wrong can exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

FILS = Decimal("0.001")
KUWAIT = ZoneInfo("Asia/Kuwait")


def kd(amount: Decimal | int | str) -> Decimal:
    """``amount`` as dinars with exactly three decimals; never rounds.

    Raises ``TypeError`` for a float (binary fractions are not money) and ``ValueError`` for a
    non-number, an infinity/NaN or a value with a fourth decimal.
    """
    if isinstance(amount, float | bool):
        raise TypeError(f"Money must be Decimal, int or str, not {type(amount).__name__}.")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"Not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"Not an amount: {amount!r}")
    quantized = value.quantize(FILS)
    if quantized != value:
        raise ValueError(f"{amount!r} has more than three decimals (fils).")
    return quantized + 0  # normalises -0.000 to 0.000


def format_kd_en(amount: Decimal | int | str) -> str:
    """``KD 20.000``."""
    return f"KD {kd(amount):f}"


def format_kd_ar(amount: Decimal | int | str) -> str:
    """``20.000 د.ك`` (logical order: the number first, read right to left)."""
    return f"{kd(amount):f} د.ك"


def format_kuwait_time(moment: datetime) -> str:
    """``2025-06-01 10:14`` in Kuwait time (UTC+3, no daylight saving)."""
    return moment.astimezone(KUWAIT).strftime("%Y-%m-%d %H:%M")


def _aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")


def _text(name: str, value: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str.")
    value = " ".join(value.split())
    if required and not value:
        raise ValueError(f"{name} is required.")
    return value


@dataclass(frozen=True)
class ReceiptLine:
    """One fee for one person. Arabic fields left empty fall back to the English ones."""

    person_name_en: str
    person_name_ar: str
    civil_id: str
    description_en: str
    description_ar: str
    amount: Decimal

    def __post_init__(self) -> None:
        for name in ("person_name_en", "civil_id", "description_en"):
            object.__setattr__(self, name, _text(name, getattr(self, name)))
        for name in ("person_name_ar", "description_ar"):
            object.__setattr__(self, name, _text(name, getattr(self, name), required=False))
        amount = kd(self.amount)
        if amount < 0:
            raise ValueError(f"A fee cannot be negative: {amount}.")
        object.__setattr__(self, "amount", amount)

    @property
    def person_name_ar_or_en(self) -> str:
        return self.person_name_ar or self.person_name_en

    @property
    def description_ar_or_en(self) -> str:
        return self.description_ar or self.description_en


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt. ``lines`` is kept as a tuple."""

    number: str
    verification_code: str
    issued_at: datetime
    payer_name_en: str
    payer_name_ar: str
    payer_civil_id: str
    lines: Sequence[ReceiptLine]
    total: Decimal
    knet_reference: str
    knet_payment_id: str
    paid_at: datetime
    application_reference: str
    # What was paid for: the service's name (a renewal's, a visit permit's), in both languages.
    service_en: str = "Residency renewal"
    service_ar: str = "تجديد إقامة"
    # What ``payer_civil_id`` holds: a person's civil ID, or a company's commercial registration.
    payer_id_kind: str = "civil_id"

    def __post_init__(self) -> None:
        for name in (
            "number",
            "verification_code",
            "payer_name_en",
            "payer_civil_id",
            "knet_reference",
            "knet_payment_id",
            "application_reference",
        ):
            object.__setattr__(self, name, _text(name, getattr(self, name)))
        object.__setattr__(
            self, "payer_name_ar", _text("payer_name_ar", self.payer_name_ar, required=False)
        )
        _aware("issued_at", self.issued_at)
        _aware("paid_at", self.paid_at)
        lines = tuple(self.lines)
        if not lines:
            raise ValueError("A receipt has at least one line.")
        if not all(isinstance(line, ReceiptLine) for line in lines):
            raise TypeError("lines must be ReceiptLine instances.")
        object.__setattr__(self, "lines", lines)
        total = kd(self.total)
        lines_sum = sum((line.amount for line in lines), Decimal("0.000"))
        if total != lines_sum:
            raise ValueError(f"The total {total} is not the sum of the lines {lines_sum}.")
        object.__setattr__(self, "total", total)

    @property
    def payer_name_ar_or_en(self) -> str:
        return self.payer_name_ar or self.payer_name_en
