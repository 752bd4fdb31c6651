"""The provisions the database starts with, each with its legal basis and how sure we are of it.

Loaded by migration ``law/0002`` (and by the tests where one flushed the tables). Later changes
are made by staff in the admin, as new rows with their own dates, never here. Which rows rest
on a press report rather than the published text is listed in ``docs/law.md``: they are to be
confirmed against the Official Gazette (Kuwait Al-Youm).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.agencies.base import CourtRecordKind
from core.articles import Article, Profession, Relation, SponsorKind
from core.law.models import (
    ArticleTerm,
    CourtEffect,
    CourtFinding,
    LongResidency,
    OverstayCategory,
    OverstayFine,
    ResidencyGround,
    SalaryExemption,
    SalaryPurpose,
    SalaryThreshold,
    SourceKind,
    TransferTerm,
    VisitTerm,
)

DECREE_LAW = "Decree-Law 114/2024 on the residence of foreigners"
REGULATIONS = "Ministerial Decree 2249/2025, executive regulations of Decree-Law 114/2024"
TRANSFER_DECISION = "Ministerial decision on transfers from Art. 20 to Art. 18 (July 2024)"

# The decree-law applies from 5 January 2025; the regulations' fees and conditions from
# 23 December 2025 (Ministry of Interior announcement of 23 November 2025).
LAW_IN_FORCE = dt.date(2025, 1, 5)
REGULATIONS_IN_FORCE = dt.date(2025, 12, 23)
TRANSFERS_OPENED = dt.date(2024, 7, 14)

A = Article
R = Relation
INDIVIDUAL = [SponsorKind.INDIVIDUAL]


def _law(**fields: Any) -> dict[str, Any]:
    return {
        "legal_basis": DECREE_LAW,
        "source_kind": SourceKind.LAW,
        "effective_from": LAW_IN_FORCE,
        **fields,
    }


def _regulations(**fields: Any) -> dict[str, Any]:
    return {
        "legal_basis": REGULATIONS,
        "source_kind": SourceKind.PRESS,
        "effective_from": REGULATIONS_IN_FORCE,
        **fields,
    }


ARTICLES = [
    _law(
        article=A.TEMPORARY,
        title_en="Temporary residence",
        title_ar="إقامة مؤقتة",
        sponsor_kinds=[SponsorKind.INDIVIDUAL, SponsorKind.COMPANY, SponsorKind.GOVERNMENT],
        relations=list(Relation.values),
        max_months=12,
        note="Three months, extendable up to one year in all.",
    ),
    _law(
        article=A.GOVERNMENT,
        title_en="Work in the government sector",
        title_ar="العمل في القطاع الحكومي",
        # Ministries and public bodies, and the embassies, consulates and diplomatic missions
        # that employ staff in Kuwait.
        sponsor_kinds=[SponsorKind.GOVERNMENT, SponsorKind.MISSION],
        relations=[R.EMPLOYEE],
        max_months=60,
    ),
    _law(
        article=A.PRIVATE_SECTOR,
        title_en="Work in the private sector",
        title_ar="العمل في القطاع الأهلي",
        sponsor_kinds=[SponsorKind.COMPANY],
        relations=[R.EMPLOYEE],
        max_months=60,
    ),
    _law(
        article=A.SELF_SPONSORED,
        title_en="Partners and investors",
        title_ar="الشركاء والمستثمرون",
        sponsor_kinds=INDIVIDUAL,
        relations=[R.SELF],
        max_months=60,
    ),
    _law(
        article=A.DOMESTIC_WORKER,
        title_en="Domestic work",
        title_ar="العمالة المنزلية",
        sponsor_kinds=INDIVIDUAL,
        relations=[R.DOMESTIC_WORKER],
        max_months=60,
    ),
    _law(
        article=A.FAMILY_JOIN,
        title_en="Joining a family provider",
        title_ar="الالتحاق بعائل",
        sponsor_kinds=INDIVIDUAL,
        relations=[R.SPOUSE, R.CHILD, R.PARENT],
        max_months=60,
    ),
    _law(
        article=A.SELF_RESIDENCE,
        title_en="Self residence",
        title_ar="الإقامة الذاتية",
        sponsor_kinds=INDIVIDUAL,
        relations=[R.SELF],
        max_months=60,
    ),
]

LONG_RESIDENCY = [
    _law(ground=ResidencyGround.CHILD_OF_KUWAITI_MOTHER, articles=[], max_months=120),
    _law(ground=ResidencyGround.PROPERTY_OWNER, articles=[], max_months=120),
    _law(ground=ResidencyGround.INVESTOR, articles=[A.SELF_SPONSORED], max_months=180),
]

SALARY_THRESHOLDS = [
    _regulations(purpose=SalaryPurpose.FAMILY_JOIN, min_monthly_salary=Decimal("800.000")),
]

# Professions the family-join salary does not apply to; some only in the public sector.
_EXEMPT = [
    (Profession.TEACHER, True),
    (Profession.UNIVERSITY_FACULTY, False),
    (Profession.DOCTOR, False),
    (Profession.PHARMACIST, False),
    (Profession.NURSE, False),
    (Profession.MEDICAL_TECHNICIAN, True),
    (Profession.ENGINEER, True),
    (Profession.LEGAL_COUNSEL, True),
    (Profession.JUDGE_OR_PROSECUTOR, False),
    (Profession.IMAM, True),
    (Profession.SOCIAL_WORKER, True),
    (Profession.JOURNALIST, False),
]
SALARY_EXEMPTIONS = [
    _regulations(purpose=SalaryPurpose.FAMILY_JOIN, profession=p, public_sector_only=public)
    for p, public in _EXEMPT
]

K = CourtRecordKind
COURT_BASIS = "Decree-Law 114/2024 (deportation); Residency Affairs practice for other records"


def _practice(**fields: Any) -> dict[str, Any]:
    return _law(legal_basis=COURT_BASIS, source_kind=SourceKind.PRACTICE, **fields)


COURT_FINDINGS = [
    _practice(
        record_kind=K.OPEN_CASE,
        effect=CourtEffect.PASS,
        explanation_en="An open case does not stop a residency: the court has not ruled.",
        explanation_ar="القضية المنظورة لا تمنع الإقامة: لم تحكم المحكمة بعد.",
    ),
    _practice(
        record_kind=K.JUDGMENT,
        effect=CourtEffect.REVIEW,
        explanation_en="A judgment: an officer checks what it orders.",
        explanation_ar="يوجد حكم قضائي: يراجع موظف مختص ما قضى به.",
    ),
    _practice(
        record_kind=K.TRAVEL_BAN,
        effect=CourtEffect.REVIEW,
        explanation_en=(
            "A travel ban stops leaving the country, not residing in it: an officer reviews it."
        ),
        explanation_ar="منع السفر يمنع المغادرة لا الإقامة: يراجعه موظف مختص.",
    ),
    _practice(
        record_kind=K.ENFORCEMENT_ORDER,
        effect=CourtEffect.REVIEW,
        explanation_en="A judgment is being enforced: an officer reviews it.",
        explanation_ar="يوجد حكم قيد التنفيذ: يراجعه موظف مختص.",
    ),
    _practice(
        record_kind=K.DEPORTATION_ORDER,
        effect=CourtEffect.BLOCK,
        explanation_en="A deportation order prevents the residency.",
        explanation_ar="يوجد أمر إبعاد يمنع الإقامة.",
    ),
]

OVERSTAY_FINES = [
    _law(
        category=category,
        first_month_per_day=Decimal(first),
        later_per_day=Decimal(later),
        cap=Decimal(cap),
        source_kind=SourceKind.PRESS,
    )
    for category, first, later, cap in (
        (OverstayCategory.RESIDENCY, "2.000", "2.000", "1200.000"),
        (OverstayCategory.TEMPORARY, "2.000", "4.000", "1200.000"),
        (OverstayCategory.DOMESTIC_WORKER, "2.000", "2.000", "600.000"),
        (OverstayCategory.VISIT, "10.000", "10.000", "2000.000"),
    )
]

HOSTS = [A.GOVERNMENT, A.PRIVATE_SECTOR, A.SELF_SPONSORED, A.SELF_RESIDENCE]
VISIT_TERMS = [
    _regulations(
        relation=relation,
        host_articles=HOSTS,
        min_host_salary=Decimal(salary),
        max_months=3,
        return_ticket_required=True,
        health_insurance_required=True,
    )
    for relation, salary in ((R.SPOUSE, "400.000"), (R.CHILD, "400.000"), (R.PARENT, "800.000"))
]

TRANSFER_TERMS = [
    _regulations(
        from_article=A.TEMPORARY,
        to_article=A.DOMESTIC_WORKER,
        current_sponsor_consent=False,
        new_sponsor_consent=True,
        holder_consent=True,
        min_months_with_sponsor=0,
        transfer_fee=False,
        note="A temporary resident taken on by a household; no earlier sponsor to consent.",
    ),
    {
        "legal_basis": TRANSFER_DECISION,
        "source_kind": SourceKind.DECISION,
        "effective_from": TRANSFERS_OPENED,
        "from_article": A.DOMESTIC_WORKER,
        "to_article": A.PRIVATE_SECTOR,
        "current_sponsor_consent": True,
        "new_sponsor_consent": True,
        "holder_consent": True,
        "min_months_with_sponsor": 12,
        "transfer_fee": True,
        "note": "The householder's approval and a year with them; fee KD 50 + KD 10 a year.",
    },
]

TABLES: list[tuple[type, list[dict[str, Any]]]] = [
    (ArticleTerm, ARTICLES),
    (LongResidency, LONG_RESIDENCY),
    (SalaryThreshold, SALARY_THRESHOLDS),
    (SalaryExemption, SALARY_EXEMPTIONS),
    (CourtFinding, COURT_FINDINGS),
    (OverstayFine, OVERSTAY_FINES),
    (VisitTerm, VISIT_TERMS),
    (TransferTerm, TRANSFER_TERMS),
]


def load(get_model=None) -> None:
    """Seed each empty table (``get_model``: a migration's ``apps.get_model``)."""
    for model, rows in TABLES:
        target = get_model("law", model.__name__) if get_model else model
        if not target.objects.exists():
            # A migration's model may predate columns added later (their own migration
            # fills them in): give it the fields it has.
            known = {f.name for f in target._meta.get_fields()}
            target.objects.bulk_create(
                target(**{k: v for k, v in row.items() if k in known}) for row in rows
            )
