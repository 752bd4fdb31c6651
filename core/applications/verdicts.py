"""What each agency's facts mean for an application: clear, review or blocked, with what is
owed to the agency. One place for these rules, whatever the kind of application; the adapters
(``core.agencies``) report facts only, and prices are ``payments.pricing``'s."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.agencies.base import (
    CourtFacts,
    CourtRecordKind,
    FinesFacts,
    InsuranceFacts,
    WorkPermitFacts,
)
from core.applications.models import CheckStatus

NOTHING = Decimal("0.000")


@dataclass(frozen=True)
class Verdict:
    status: CheckStatus
    owed: Decimal  # to the agency (unpaid fines), paid with the application
    detail_en: str
    detail_ar: str


def _kd(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.001'))}"


def insured_to_the_end(facts: InsuranceFacts, end: dt.date) -> bool:
    """Residency never outlasts the health cover: cover for the whole period is bought with the
    application unless the person is insured to its end."""
    return facts.insured_until is not None and facts.insured_until >= end


def insurance(facts: InsuranceFacts, *, end: dt.date) -> Verdict:
    if insured_to_the_end(facts, end):
        return Verdict(
            CheckStatus.CLEAR,
            NOTHING,
            f"Insured until {facts.insured_until}.",
            f"مؤمن صحياً حتى {facts.insured_until}.",
        )
    return Verdict(
        CheckStatus.CLEAR,
        NOTHING,
        f"Not insured to {end}: health cover for the period is paid with the application.",
        f"غير مؤمن صحياً حتى {end}: يدفع الضمان الصحي للمدة مع الطلب.",
    )


def fines(facts: FinesFacts) -> Verdict:
    total = sum((f.amount for f in facts.fines), NOTHING)
    if not facts.fines:
        return Verdict(CheckStatus.CLEAR, total, "No unpaid fines.", "لا توجد مخالفات.")
    return Verdict(
        CheckStatus.CLEAR,
        total,
        f"{len(facts.fines)} unpaid fine(s), KD {_kd(total)}, payable with the application.",
        f"{len(facts.fines)} مخالفة غير مدفوعة بقيمة {_kd(total)} د.ك تدفع مع الطلب.",
    )


BLOCKING_RECORDS = frozenset({CourtRecordKind.TRAVEL_BAN, CourtRecordKind.ENFORCEMENT_ORDER})


def courts(facts: CourtFacts) -> Verdict:
    kinds = {r.kind for r in facts.records}
    if kinds & BLOCKING_RECORDS:
        return Verdict(
            CheckStatus.BLOCKED,
            NOTHING,
            "A travel ban or enforcement order prevents the application.",
            "يوجد منع سفر أو أمر تنفيذ يمنع الطلب.",
        )
    if kinds:
        return Verdict(
            CheckStatus.REVIEW,
            NOTHING,
            "Court records found: an officer will review them.",
            "توجد سجلات قضائية: سيراجعها موظف مختص.",
        )
    return Verdict(CheckStatus.CLEAR, NOTHING, "No court records.", "لا توجد سجلات قضائية.")


def work_permit(facts: WorkPermitFacts, *, end: dt.date, employer_file: str | None) -> Verdict:
    if facts.valid_until is None or (employer_file and facts.employer_file_number != employer_file):
        return Verdict(
            CheckStatus.BLOCKED,
            NOTHING,
            "No valid work permit with this employer.",
            "لا يوجد إذن عمل ساري مع صاحب العمل هذا.",
        )
    if facts.valid_until < end:
        return Verdict(
            CheckStatus.REVIEW,
            NOTHING,
            f"The work permit ends on {facts.valid_until}, before the residency.",
            f"ينتهي إذن العمل في {facts.valid_until} قبل الإقامة.",
        )
    return Verdict(CheckStatus.CLEAR, NOTHING, "Valid work permit.", "إذن عمل ساري.")
