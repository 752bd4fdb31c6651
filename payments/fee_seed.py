"""The published fee schedule the database starts with: Ministerial Decree 2249/2025.

Loaded by migration 0002 (and by the tests where one flushed the tables). Later
changes are made by staff in the admin, as new rows with their own effective dates — never
here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

DECREE_2249_2025 = "Ministerial Decree 2249/2025"
# The day the seeded rates apply from. An assumption: correct it in the admin (add rows with
# the right date) if the decree's effective date differs.
EFFECTIVE_FROM = dt.date(2025, 1, 1)

# (kind, article, relation, sponsor_article, KD per year)
RATES: tuple[tuple[str, int | None, str, int | None, str], ...] = (
    ("residency", 17, "", None, "20.000"),  # government sector work
    ("residency", 18, "", None, "20.000"),  # private sector work
    ("residency", 20, "", None, "10.000"),  # domestic worker
    ("residency", 19, "", None, "50.000"),  # self-sponsored partners and investors
    ("residency", 24, "", None, "500.000"),  # self residence
    ("residency", 22, "spouse", None, "20.000"),  # family join
    ("residency", 22, "child", None, "20.000"),
    ("residency", 22, "", 19, "40.000"),  # dependents of an Art. 19 holder
    ("residency", 22, "", 24, "100.000"),  # dependents of an Art. 24 holder
    ("health_insurance", None, "", None, "100.000"),
)


def seed_rows(fee_rate_model) -> list:
    return [
        fee_rate_model(
            kind=kind,
            article=article,
            relation=relation,
            sponsor_article=sponsor_article,
            annual_amount=Decimal(amount),
            effective_from=EFFECTIVE_FROM,
            legal_basis=DECREE_2249_2025,
        )
        for kind, article, relation, sponsor_article, amount in RATES
    ]
