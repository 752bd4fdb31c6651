"""The published fee schedule the database starts with.

Two periods: the schedule in force before the executive regulations of Decree-Law 114/2024
(Ministerial Decree 2249/2025), and the regulations' fee tables, in force from 23 December
2025. Loaded by migrations 0002 and 0007 (and by the tests where one flushed the tables).
Later changes are made by staff in the admin, as new rows with their own effective dates —
never here. ``docs/law.md`` lists which amounts rest on press reports of the tables and are to
be confirmed against the Official Gazette.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.law.models import SourceKind
from core.law.published import REGULATIONS, REGULATIONS_IN_FORCE, TRANSFER_DECISION
from core.law.published import TRANSFERS_OPENED as TRANSFER_FEES_FROM

# The schedule the database was first seeded with, from 2025-01-01: kept, closed on the day
# the regulations' tables took over, so quotes given under it still read as they were.
EARLIER = "The schedule in force before Ministerial Decree 2249/2025"
EARLIER_FROM = dt.date(2025, 1, 1)
# Its rows were first seeded under this name, which they never had a right to.
EARLIER_SEEDED_AS = "Ministerial Decree 2249/2025"

# (kind, article, relation, sponsor_article, KD per year)
EARLIER_RATES: tuple[tuple[str, int | None, str, int | None, str], ...] = (
    ("residency", 17, "", None, "20.000"),
    ("residency", 18, "", None, "20.000"),
    ("residency", 20, "", None, "10.000"),
    ("residency", 19, "", None, "50.000"),
    ("residency", 24, "", None, "500.000"),
    ("residency", 22, "spouse", None, "20.000"),
    ("residency", 22, "child", None, "20.000"),
    ("residency", 22, "", 19, "40.000"),
    ("residency", 22, "", 24, "100.000"),
    ("health_insurance", None, "", None, "100.000"),
)

PRESS = SourceKind.PRESS
CARRIED = "Amount as before: no report of a change."

# The regulations' tables: (kind, article, from_article, relation, household, sponsor_article,
# amount, per, source_kind, note)
RATES: tuple[tuple, ...] = (
    ("residency", 17, None, "", "", None, "20.000", "year", PRESS, CARRIED),
    ("residency", 18, None, "", "", None, "20.000", "year", PRESS, CARRIED),
    ("residency", 19, None, "", "", None, "50.000", "year", PRESS, CARRIED),
    ("residency", 24, None, "", "", None, "500.000", "year", PRESS, CARRIED),
    ("residency", 20, None, "", "kuwaiti", None, "10.000", "year", PRESS, ""),
    ("residency", 20, None, "", "expatriate", None, "50.000", "year", PRESS, ""),
    ("residency", 22, None, "spouse", "", None, "20.000", "year", PRESS, CARRIED),
    ("residency", 22, None, "child", "", None, "20.000", "year", PRESS, CARRIED),
    ("residency", 22, None, "parent", "", None, "300.000", "year", PRESS, ""),
    (
        "residency",
        22,
        None,
        "child",
        "kuwaiti",
        None,
        "0.000",
        "year",
        SourceKind.STATEMENT,
        "Children of Kuwaiti mothers pay no residency fee.",
    ),
    ("residency", 22, None, "", "", 19, "40.000", "year", PRESS, CARRIED),
    ("residency", 22, None, "", "", 24, "100.000", "year", PRESS, CARRIED),
    ("residency", 14, None, "", "", None, "10.000", "month", PRESS, ""),
    ("health_insurance", None, None, "", "", None, "100.000", "year", PRESS, CARRIED),
    ("visit", None, None, "", "", None, "10.000", "month", PRESS, "A family visit."),
)

# Transfers from domestic work to the private sector, from the decision that opened them.
TRANSFER_RATES: tuple[tuple[str, str], ...] = (("50.000", "once"), ("10.000", "year_of_service"))


def earlier_rows(fee_rate_model) -> list:
    return [
        fee_rate_model(
            kind=kind,
            article=article,
            relation=relation,
            sponsor_article=sponsor_article,
            amount=Decimal(amount),
            per="year",
            effective_from=EARLIER_FROM,
            effective_until=REGULATIONS_IN_FORCE,
            legal_basis=EARLIER,
        )
        for kind, article, relation, sponsor_article, amount in EARLIER_RATES
    ]


def regulation_rows(fee_rate_model) -> list:
    rows = [
        fee_rate_model(
            kind=kind,
            article=article,
            from_article=from_article,
            relation=relation,
            household=household,
            sponsor_article=sponsor_article,
            amount=Decimal(amount),
            per=per,
            effective_from=REGULATIONS_IN_FORCE,
            legal_basis=f"{REGULATIONS}, fee tables",
            source_kind=source_kind,
            note=note,
        )
        for (
            kind,
            article,
            from_article,
            relation,
            household,
            sponsor_article,
            amount,
            per,
            source_kind,
            note,
        ) in RATES
    ]
    rows += [
        fee_rate_model(
            kind="transfer",
            article=18,
            from_article=20,
            amount=Decimal(amount),
            per=per,
            effective_from=TRANSFER_FEES_FROM,
            legal_basis=TRANSFER_DECISION,
            source_kind=SourceKind.DECISION,
        )
        for amount, per in TRANSFER_RATES
    ]
    return rows


def seed_rows(fee_rate_model) -> list:
    """Both periods, for an empty table."""
    return earlier_rows(fee_rate_model) + regulation_rows(fee_rate_model)
