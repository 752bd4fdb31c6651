"""Visitors from abroad: people with no civil ID, known by passport number and nationality.

A host names a visitor with the details on their passport. Someone already known by that
passport is used only when the host gave every detail on record (a passport number is no
secret: naming it must not open anybody's record); otherwise, and for someone new, the answer
is the same, and nothing about the record is returned. Reads only: the person is built, not
saved, so a preview can ask too; the application saves them with its item.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.civil_id import normalize_digits
from core.errors import DomainError, ResidencyErrorCode
from core.models import Person, Sex
from core.names import Script, name_problem, normalize_text
from core.services.people import NAME_ERRORS
from core.validators import validate_nationality


@dataclass(frozen=True)
class VisitorDetails:
    """Someone from abroad, who has no civil ID: as on their passport."""

    passport_number: str
    nationality: str
    name_en: str
    name_ar: str
    date_of_birth: dt.date
    sex: str
    passport_expiry: dt.date


def visitor_normalized(details: VisitorDetails) -> VisitorDetails:
    return dataclasses.replace(
        details,
        passport_number=normalize_digits(details.passport_number).strip().upper(),
        nationality=details.nationality.strip().upper(),
        name_en=normalize_text(details.name_en),
        name_ar=normalize_text(details.name_ar),
    )


def visitor_errors(details: VisitorDetails, *, today: dt.date | None = None) -> list[DomainError]:
    """Every problem with a visitor's (normalized) passport details, field by field."""
    today = today or timezone.localdate()
    errors: list[DomainError] = []
    for field, value, script in (
        ("nameAr", details.name_ar, Script.ARABIC),
        ("nameEn", details.name_en, Script.LATIN),
    ):
        if problem := name_problem(value, script):
            errors.append(DomainError(NAME_ERRORS[problem], field))
    number = details.passport_number
    if not number:
        errors.append(DomainError(ResidencyErrorCode.REQUIRED, "passportNumber"))
    elif len(number) > 20 or not number.isalnum():
        errors.append(DomainError(ResidencyErrorCode.INVALID, "passportNumber"))
    try:
        validate_nationality(details.nationality)
    except Exception:
        errors.append(DomainError(ResidencyErrorCode.INVALID_NATIONALITY, "nationality"))
    if details.sex not in Sex.values:
        errors.append(DomainError(ResidencyErrorCode.INVALID, "sex"))
    if details.date_of_birth >= today:
        errors.append(DomainError(ResidencyErrorCode.INVALID, "dateOfBirth"))
    if details.passport_expiry <= today:
        errors.append(DomainError(ResidencyErrorCode.PASSPORT_EXPIRED, "passportExpiry"))
    return errors


def _same_record(existing: Person, details: VisitorDetails) -> bool:
    return (
        existing.name_en.casefold() == details.name_en.casefold()
        and existing.name_ar == details.name_ar
        and existing.date_of_birth == details.date_of_birth
        and existing.sex == details.sex
        and existing.passport_expiry == details.passport_expiry
    )


def visitor_for(details: VisitorDetails) -> Person | None:
    """The visitor these (valid, normalized) details name: the one on record when every
    detail matches, a new unsaved person when nobody has that passport, None when someone
    does but the details differ (the caller answers as for any bad detail)."""
    existing = Person.objects.filter(
        civil_id__isnull=True,
        nationality=details.nationality,
        passport_number=details.passport_number,
    ).first()
    if existing is not None:
        return existing if _same_record(existing, details) else None
    return Person(
        civil_id=None,
        name_en=details.name_en,
        name_ar=details.name_ar,
        nationality=details.nationality,
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        passport_number=details.passport_number,
        passport_expiry=details.passport_expiry,
    )
