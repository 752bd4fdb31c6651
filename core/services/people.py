"""Registering people and linking them to sponsors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import access
from core.articles import Relation, relations_for_sponsor_kind
from core.civil_id import InvalidCivilId, parse_civil_id
from core.errors import DomainError, DomainErrors, ResidencyErrorCode
from core.models import Dependent, Person, Sex, Sponsor
from core.validators import validate_nationality


@dataclass(frozen=True)
class PersonData:
    civil_id: str
    name_ar: str
    name_en: str
    nationality: str
    date_of_birth: dt.date
    sex: str
    passport_number: str
    passport_expiry: dt.date


def person_data_errors(data: PersonData, *, today: dt.date | None = None) -> list[DomainError]:
    """Every problem with the data of a person as it would be printed on their civil ID."""
    today = today or timezone.localdate()
    errors: list[DomainError] = []
    try:
        civil = parse_civil_id(data.civil_id)
    except InvalidCivilId:
        errors.append(DomainError(ResidencyErrorCode.INVALID_CIVIL_ID, "civilId"))
    else:
        if civil.birth_date != data.date_of_birth:
            errors.append(
                DomainError(ResidencyErrorCode.CIVIL_ID_BIRTH_DATE_MISMATCH, "dateOfBirth")
            )
    for field, value in (
        ("nameAr", data.name_ar),
        ("nameEn", data.name_en),
        ("passportNumber", data.passport_number),
    ):
        if not value.strip():
            errors.append(DomainError(ResidencyErrorCode.REQUIRED, field))
    try:
        validate_nationality(data.nationality)
    except Exception:
        errors.append(DomainError(ResidencyErrorCode.INVALID_NATIONALITY, "nationality"))
    if data.sex not in Sex.values:
        errors.append(DomainError(ResidencyErrorCode.INVALID, "sex"))
    if data.passport_expiry <= today:
        errors.append(DomainError(ResidencyErrorCode.PASSPORT_EXPIRED, "passportExpiry"))
    return errors


def _person_get_or_create(data: PersonData) -> Person:
    """The registered person with this civil ID, created when new.

    A civil ID already registered must carry the same birth date and Latin name, so that a
    sponsor cannot attach (or overwrite) somebody else's record by guessing a number.
    """
    existing = Person.objects.filter(civil_id=data.civil_id).first()
    if existing is not None:
        if (
            existing.date_of_birth != data.date_of_birth
            or existing.name_en.casefold() != data.name_en.strip().casefold()
        ):
            raise DomainError(ResidencyErrorCode.DUPLICATE_CIVIL_ID, "civilId")
        return existing
    person = Person(
        civil_id=data.civil_id,
        name_ar=data.name_ar.strip(),
        name_en=data.name_en.strip(),
        nationality=data.nationality.upper(),
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        passport_number=data.passport_number.strip().upper(),
        passport_expiry=data.passport_expiry,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def dependent_add(*, actor: Any, sponsor: Sponsor, person: PersonData, relation: str) -> Dependent:
    """Put a person on a sponsor's file (a wife, a child, a domestic worker, an employee)."""
    if not access.may_act_for_sponsor(actor, sponsor):
        raise DomainError(ResidencyErrorCode.NOT_FOUND, "sponsorId")
    errors = person_data_errors(person)
    if relation not in relations_for_sponsor_kind(sponsor.kind) or relation == Relation.SELF:
        errors.append(DomainError(ResidencyErrorCode.RELATION_NOT_ALLOWED, "relation"))
    if errors:
        raise DomainErrors(errors)
    record = _person_get_or_create(person)
    if sponsor.person_id == record.pk:
        raise DomainError(ResidencyErrorCode.RELATION_NOT_ALLOWED, "relation")
    if Dependent.objects.filter(sponsor=sponsor, person=record, ended_on__isnull=True).exists():
        raise DomainError(ResidencyErrorCode.ALREADY_DEPENDENT, "civilId")
    try:
        with transaction.atomic():
            return Dependent.objects.create(sponsor=sponsor, person=record, relation=relation)
    except IntegrityError as exc:  # a concurrent request added the same person first
        raise DomainError(ResidencyErrorCode.ALREADY_DEPENDENT, "civilId") from exc
