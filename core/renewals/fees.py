"""The residency fee of an item. A hook: the payments issue replaces it with the fee schedule
(Ministerial Decree 2249/2025, as data with effective dates)."""

from __future__ import annotations

from decimal import Decimal

from core.renewals.models import RenewalItem


def residency_fee(item: RenewalItem) -> Decimal:
    return Decimal("0.000")
