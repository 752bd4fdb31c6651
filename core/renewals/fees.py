"""What a renewal costs, line by line: health cover and fines found by the checks, and the
residency fee. Rates come from the fee schedule (``payments.schedule``: Ministerial Decree
2249/2025 as data with effective dates); the fines are what the fines check found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.renewals.models import AgencyName, RenewalItem

ZERO = Decimal("0.000")
CHARGE_KINDS = {AgencyName.HEALTH: "health_insurance", AgencyName.FINES: "fines"}


@dataclass(frozen=True)
class AmountLine:
    item: RenewalItem
    kind: str  # "health_insurance", "fines" or "residency_fee"
    amount: Decimal


def residency_fee(item: RenewalItem) -> Decimal:
    from payments.schedule import Pricing

    priced = Pricing([item]).residency(item)
    return priced.amount if priced else ZERO


def amount_lines(items: Iterable[RenewalItem], pricing: Any = None) -> list[AmountLine]:
    """Every charge of the given items (prefetch ``checks`` to avoid a query per item). Health
    cover the check found due is priced at the schedule's fee (the agency's quote if the
    schedule has none); a person whose residency fee the schedule lacks has no fee line."""
    from payments.schedule import Pricing

    items = list(items)
    pricing = pricing or Pricing(items)
    lines: list[AmountLine] = []
    for item in items:
        for check in item.checks.all():
            if check.amount and check.agency in CHARGE_KINDS:
                amount = check.amount
                if check.agency == AgencyName.HEALTH and (cover := pricing.health(item)):
                    amount = cover.amount
                lines.append(AmountLine(item, CHARGE_KINDS[check.agency], amount))
        if (fee := pricing.residency(item)) and fee.amount:
            lines.append(AmountLine(item, "residency_fee", fee.amount))
    return lines


def amount_due(items: Iterable[RenewalItem]) -> Decimal:
    return sum((line.amount for line in amount_lines(items)), ZERO)
