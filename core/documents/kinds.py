"""Document kinds as data: which content each accepts, which dates apply, how long one stays
valid. The rules per article and relation (which kinds an application needs) are in
``requirements.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models


class DocumentKind(models.TextChoices):
    PERSONAL_PHOTO = "personal_photo", "Personal photo"
    PASSPORT_COPY = "passport_copy", "Passport copy"
    CIVIL_ID = "civil_id", "Civil ID"
    MARRIAGE_CERTIFICATE = "marriage_certificate", "Marriage certificate"
    BIRTH_CERTIFICATE = "birth_certificate", "Birth certificate"
    SALARY_CERTIFICATE = "salary_certificate", "Salary certificate"
    LEASE = "lease", "Lease"
    WORK_PERMIT = "work_permit", "Work permit"
    RETURN_TICKET = "return_ticket", "Return ticket"
    TRAVEL_INSURANCE = "travel_insurance", "Health insurance for the visit"
    COMMERCIAL_LICENCE = "commercial_licence", "Commercial licence"
    AUTHORISED_SIGNATORY = "authorised_signatory", "Authorised signatory certificate"
    OTHER = "other", "Other"


JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
ACCEPTED_TYPES = frozenset({JPEG, PNG, PDF})
IMAGE_TYPES = frozenset({JPEG, PNG})

# Whose a kind is: a person's, or a sponsor's own (a company's licence and its signatory).
PERSON = "person"
SPONSOR = "sponsor"

# How a date applies to a kind.
REQUIRED = "required"
OPTIONAL = "optional"
NONE = "none"


@dataclass(frozen=True)
class KindRule:
    kind: DocumentKind
    title_en: str
    title_ar: str
    content_types: frozenset[str] = ACCEPTED_TYPES
    issued_on: str = OPTIONAL
    expires_on: str = NONE
    # Valid this many days from the issue date (the upload date when there is none): a salary
    # certificate must be recent, a photo must look like the person today.
    fresh_days: int | None = None
    held_by: str = PERSON


KIND_RULES: dict[str, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule(
            DocumentKind.PERSONAL_PHOTO,
            "Personal photo",
            "صورة شخصية",
            content_types=IMAGE_TYPES,
            expires_on=NONE,
            fresh_days=365,
        ),
        KindRule(
            DocumentKind.PASSPORT_COPY, "Passport copy", "صورة جواز السفر", expires_on=REQUIRED
        ),
        KindRule(DocumentKind.CIVIL_ID, "Civil ID", "البطاقة المدنية", expires_on=REQUIRED),
        KindRule(DocumentKind.MARRIAGE_CERTIFICATE, "Marriage certificate", "عقد الزواج"),
        KindRule(DocumentKind.BIRTH_CERTIFICATE, "Birth certificate", "شهادة الميلاد"),
        KindRule(
            DocumentKind.SALARY_CERTIFICATE,
            "Salary certificate",
            "شهادة راتب",
            issued_on=REQUIRED,
            fresh_days=90,
        ),
        KindRule(DocumentKind.LEASE, "Lease", "عقد الإيجار", expires_on=REQUIRED),
        KindRule(DocumentKind.WORK_PERMIT, "Work permit", "إذن العمل", expires_on=REQUIRED),
        KindRule(DocumentKind.RETURN_TICKET, "Return ticket", "تذكرة العودة", expires_on=OPTIONAL),
        KindRule(
            DocumentKind.TRAVEL_INSURANCE,
            "Health insurance for the visit",
            "تأمين صحي للزيارة",
            expires_on=REQUIRED,
        ),
        KindRule(
            DocumentKind.COMMERCIAL_LICENCE,
            "Commercial licence",
            "الرخصة التجارية",
            expires_on=REQUIRED,
            held_by=SPONSOR,
        ),
        KindRule(
            DocumentKind.AUTHORISED_SIGNATORY,
            "Authorised signatory certificate",
            "شهادة اعتماد التوقيع",
            expires_on=REQUIRED,
            held_by=SPONSOR,
        ),
        KindRule(DocumentKind.OTHER, "Other document", "مستند آخر", expires_on=OPTIONAL),
    )
}


def rule_for_kind(kind: str) -> KindRule:
    return KIND_RULES[DocumentKind(kind)]


def valid_until(
    kind: str, *, issued_on: dt.date | None, expires_on: dt.date | None, uploaded_on: dt.date
) -> dt.date | None:
    """The last day a document counts as valid; None when it does not expire."""
    rule = rule_for_kind(kind)
    ends = [expires_on] if expires_on else []
    if rule.fresh_days is not None:
        ends.append((issued_on or uploaded_on) + dt.timedelta(days=rule.fresh_days))
    return min(ends) if ends else None
