"""What each agency's facts mean for an application: clear, review or blocked, with what is
owed to the agency. One place for these rules, whatever the kind of application; what a court
finding does is the law's data (``core.law``); the adapters (``core.agencies``) report facts
only, and prices are ``payments.pricing``'s."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.agencies.base import (
    CourtFacts,
    FinesFacts,
    InsuranceFacts,
    WorkPermitFacts,
)
from core.applications.models import CheckStatus
from core.law.models import CourtEffect
from core.law.rules import Law

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


STATUS_OF_EFFECT = {
    CourtEffect.BLOCK: CheckStatus.BLOCKED,
    CourtEffect.REVIEW: CheckStatus.REVIEW,
    CourtEffect.PASS: CheckStatus.CLEAR,
}
STRONGEST_FIRST = (CourtEffect.BLOCK, CourtEffect.REVIEW, CourtEffect.PASS)


def _explained(law: Law, kind: str) -> tuple[str, str]:
    finding = law.court_finding(kind)
    if finding is None:
        return (
            f"A court record ({kind}): an officer reviews it.",
            "يوجد سجل قضائي: يراجعه موظف مختص.",
        )
    return finding.explanation_en, finding.explanation_ar


def courts(facts: CourtFacts, law: Law) -> Verdict:
    """The strongest effect among the records' (``core.law``: block, review or pass; a kind
    of record the law's data does not name is reviewed), with the law's explanations."""
    kinds = sorted({record.kind for record in facts.records})
    if not kinds:
        return Verdict(CheckStatus.CLEAR, NOTHING, "No court records.", "لا توجد سجلات قضائية.")
    effects = {kind: law.court_effect(kind) for kind in kinds}
    strongest = next(effect for effect in STRONGEST_FIRST if effect in effects.values())
    explained = [_explained(law, kind) for kind in kinds if effects[kind] == strongest]
    return Verdict(
        STATUS_OF_EFFECT[strongest],
        NOTHING,
        " ".join(en for en, _ in explained),
        " ".join(ar for _, ar in explained),
    )


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
