"""What a renewal costs, line by line: health cover and fines found by the checks, and the
residency fee. The residency fee is a hook here; the payments issue replaces it with the fee
schedule (Ministerial Decree 2249/2025, as data with effective dates)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.renewals.models import AgencyName, RenewalItem

ZERO = Decimal("0.000")
CHARGE_KINDS = {AgencyName.HEALTH: "health_insurance", AgencyName.FINES: "fines"}


@dataclass(frozen=True)
class AmountLine:
    item: RenewalItem
    kind: str  # "health_insurance", "fines" or "residency_fee"
    amount: Decimal


def residency_fee(item: RenewalItem) -> Decimal:
    return ZERO


def amount_lines(items: Iterable[RenewalItem]) -> list[AmountLine]:
    """Every charge of the given items (prefetch ``checks`` to avoid a query per item)."""
    lines: list[AmountLine] = []
    for item in items:
        for check in item.checks.all():
            if check.amount and check.agency in CHARGE_KINDS:
                lines.append(AmountLine(item, CHARGE_KINDS[check.agency], check.amount))
        if fee := residency_fee(item):
            lines.append(AmountLine(item, "residency_fee", fee))
    return lines


def amount_due(items: Iterable[RenewalItem]) -> Decimal:
    return sum((line.amount for line in amount_lines(items)), ZERO)
