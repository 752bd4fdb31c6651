"""What may be renewed, for how long, and what each agency's answer means: every renewal rule.

Article-specific numbers come from ``core.articles``; the configurable ones (renewal window,
grace period, family-join salary threshold) from ``settings.RENEWAL_RULES``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from core.agencies.base import (
    CourtFacts,
    CourtRecordKind,
    FinesFacts,
    InsuranceFacts,
    WorkPermitFacts,
)
from core.articles import Article, rule_for
from core.errors import DomainError, RenewalErrorCode
from core.models import ResidencyPermit, Sponsor
from core.renewals.models import CheckStatus

DEFAULT_RULES = {
    "WINDOW_MONTHS": 3,
    "GRACE_DAYS": 60,
    "FAMILY_JOIN_MIN_SALARY": "800.000",
    # Every document the requirements name must be in the archive before payment.
    "REQUIRE_DOCUMENTS": True,
}


def rules() -> dict:
    return {**DEFAULT_RULES, **getattr(settings, "RENEWAL_RULES", {})}


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_period(permit: ResidencyPermit, months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The new residency runs on from the current expiry (or from today, if already expired)."""
    start = max(permit.expires_on, today)
    return start, add_months(start, months)


def sponsor_own_expiry(sponsor: Sponsor, today: dt.date) -> dt.date | None:
    """The latest expiry among the individual sponsor's own live permits."""
    if sponsor.person_id is None:
        return None
    return (
        ResidencyPermit.objects.filter(holder_id=sponsor.person_id, cancelled_at__isnull=True)
        .order_by("-expires_on")
        .values_list("expires_on", flat=True)
        .first()
    )


def item_problems(
    *, permit: ResidencyPermit, sponsor: Sponsor, months: int | None, today: dt.date
) -> list[DomainError]:
    """Everything that stops this permit being renewed online for this many months."""
    cfg = rules()
    problems: list[DomainError] = []
    opens_on = add_months(permit.expires_on, -cfg["WINDOW_MONTHS"])
    if today < opens_on:
        problems.append(
            DomainError(
                RenewalErrorCode.NOT_YET_RENEWABLE,
                "personId",
                {"window_months": cfg["WINDOW_MONTHS"], "opens_on": opens_on.isoformat()},
            )
        )
    if (today - permit.expires_on).days > cfg["GRACE_DAYS"]:
        problems.append(
            DomainError(
                RenewalErrorCode.EXPIRED_BEYOND_GRACE, "personId", {"grace_days": cfg["GRACE_DAYS"]}
            )
        )
    if months is None:
        return problems
    rule = rule_for(permit.article)
    if months < 1:
        problems.append(DomainError(RenewalErrorCode.DURATION_TOO_SHORT, "months"))
        return problems
    if months > rule.max_renewal_months:
        problems.append(
            DomainError(
                RenewalErrorCode.DURATION_TOO_LONG,
                "months",
                {"article": int(rule.article), "max_months": rule.max_renewal_months},
            )
        )
        return problems
    _, new_expiry = renewal_period(permit, months, today)
    passport_expiry = permit.holder.passport_expiry
    if passport_expiry < new_expiry:
        problems.append(
            DomainError(
                RenewalErrorCode.PASSPORT_TOO_SHORT,
                "months",
                {
                    "passport_expiry": passport_expiry.isoformat(),
                    "new_expiry": new_expiry.isoformat(),
                },
            )
        )
    if permit.article == Article.FAMILY_JOIN:
        own = sponsor_own_expiry(sponsor, today)
        if own is None or own < new_expiry:
            problems.append(
                DomainError(
                    RenewalErrorCode.SPONSOR_PERMIT_TOO_SHORT,
                    "months",
                    {"sponsor_expiry": own.isoformat() if own else "—"},
                )
            )
        threshold = Decimal(cfg["FAMILY_JOIN_MIN_SALARY"])
        if (sponsor.monthly_salary or Decimal(0)) < threshold:
            problems.append(
                DomainError(
                    RenewalErrorCode.SALARY_BELOW_THRESHOLD, "personId", {"threshold": threshold}
                )
            )
    return problems


def agencies_for(article: int) -> list[str]:
    """Which agencies check a renewal under this article."""
    agencies = ["health", "fines", "courts"]
    if article == Article.PRIVATE_SECTOR:
        agencies.append("manpower")
    return agencies


@dataclass(frozen=True)
class CheckResult:
    status: CheckStatus
    amount: Decimal
    detail_en: str
    detail_ar: str


def _kd(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.001'))}"


def insurance_result(
    facts: InsuranceFacts, *, start: dt.date, end: dt.date, months: int
) -> CheckResult:
    """Residency never outlasts the health cover: cover for the whole period is bought now,
    unless the person is already insured to its end."""
    if facts.insured_until is not None and facts.insured_until >= end:
        return CheckResult(
            CheckStatus.CLEAR,
            Decimal("0.000"),
            f"Insured until {facts.insured_until}.",
            f"مؤمن صحياً حتى {facts.insured_until}.",
        )
    fee = (facts.annual_fee * months / 12).quantize(Decimal("0.001"))
    return CheckResult(
        CheckStatus.CLEAR,
        fee,
        f"Health insurance for {months} months: KD {_kd(fee)}.",
        f"الضمان الصحي لمدة {months} شهراً: {_kd(fee)} د.ك.",
    )


def fines_result(facts: FinesFacts) -> CheckResult:
    total = sum((f.amount for f in facts.fines), Decimal("0.000"))
    if not facts.fines:
        return CheckResult(CheckStatus.CLEAR, total, "No unpaid fines.", "لا توجد مخالفات.")
    return CheckResult(
        CheckStatus.CLEAR,
        total,
        f"{len(facts.fines)} unpaid fine(s), KD {_kd(total)}, payable with the renewal.",
        f"{len(facts.fines)} مخالفة غير مدفوعة بقيمة {_kd(total)} د.ك تدفع مع التجديد.",
    )


BLOCKING_RECORDS = frozenset({CourtRecordKind.TRAVEL_BAN, CourtRecordKind.ENFORCEMENT_ORDER})


def courts_result(facts: CourtFacts) -> CheckResult:
    kinds = {r.kind for r in facts.records}
    if kinds & BLOCKING_RECORDS:
        return CheckResult(
            CheckStatus.BLOCKED,
            Decimal("0.000"),
            "A travel ban or enforcement order prevents renewal.",
            "يوجد منع سفر أو أمر تنفيذ يمنع التجديد.",
        )
    if kinds:
        return CheckResult(
            CheckStatus.REVIEW,
            Decimal("0.000"),
            "Court records found: an officer will review them.",
            "توجد سجلات قضائية: سيراجعها موظف مختص.",
        )
    return CheckResult(
        CheckStatus.CLEAR, Decimal("0.000"), "No court records.", "لا توجد سجلات قضائية."
    )


def work_permit_result(
    facts: WorkPermitFacts, *, end: dt.date, employer_file: str | None
) -> CheckResult:
    if facts.valid_until is None or (employer_file and facts.employer_file_number != employer_file):
        return CheckResult(
            CheckStatus.BLOCKED,
            Decimal("0.000"),
            "No valid work permit with this employer.",
            "لا يوجد إذن عمل ساري مع صاحب العمل هذا.",
        )
    if facts.valid_until < end:
        return CheckResult(
            CheckStatus.REVIEW,
            Decimal("0.000"),
            f"The work permit ends on {facts.valid_until}, before the residency.",
            f"ينتهي إذن العمل في {facts.valid_until} قبل الإقامة.",
        )
    return CheckResult(CheckStatus.CLEAR, Decimal("0.000"), "Valid work permit.", "إذن عمل ساري.")
