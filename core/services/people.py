"""Registering people and linking them to sponsors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import access
from core.articles import Relation
from core.civil_id import InvalidCivilId, normalize_digits, parse_civil_id
from core.errors import DomainError, DomainErrors, ResidencyErrorCode
from core.law.rules import Law
from core.models import AuditAction, Dependent, Person, ResidencyPermit, Sex, Sponsor
from core.names import NameProblem, Script, free_text, name_problem, normalize_text
from core.scopes import Scope
from core.services.audit import audit
from core.services.permits import permit_cancel
from core.validators import validate_nationality

NAME_ERRORS = {
    NameProblem.REQUIRED: ResidencyErrorCode.REQUIRED,
    NameProblem.TOO_LONG: ResidencyErrorCode.NAME_TOO_LONG,
    NameProblem.FORBIDDEN_CHARACTER: ResidencyErrorCode.NAME_FORBIDDEN_CHARACTER,
    NameProblem.WRONG_SCRIPT: ResidencyErrorCode.NAME_WRONG_SCRIPT,
}


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


def person_data_normalized(data: PersonData) -> PersonData:
    """The data as it is stored and compared: digits of any script as ASCII, names in normal
    form with single spaces, the passport number and nationality in capitals."""
    return dataclasses.replace(
        data,
        civil_id=normalize_digits(data.civil_id),
        name_ar=normalize_text(data.name_ar),
        name_en=normalize_text(data.name_en),
        nationality=data.nationality.strip().upper(),
        passport_number=normalize_digits(data.passport_number).upper(),
    )


def person_data_errors(data: PersonData, *, today: dt.date | None = None) -> list[DomainError]:
    """Every problem with the (normalized) data of a person as printed on their civil ID."""
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
    for field, value, script in (
        ("nameAr", data.name_ar, Script.ARABIC),
        ("nameEn", data.name_en, Script.LATIN),
    ):
        if problem := name_problem(value, script):
            errors.append(DomainError(NAME_ERRORS[problem], field))
    if not data.passport_number:
        errors.append(DomainError(ResidencyErrorCode.REQUIRED, "passportNumber"))
    elif len(data.passport_number) > 20 or not data.passport_number.isalnum():
        errors.append(DomainError(ResidencyErrorCode.INVALID, "passportNumber"))
    try:
        validate_nationality(data.nationality)
    except Exception:
        errors.append(DomainError(ResidencyErrorCode.INVALID_NATIONALITY, "nationality"))
    if data.sex not in Sex.values:
        errors.append(DomainError(ResidencyErrorCode.INVALID, "sex"))
    if data.passport_expiry <= today:
        errors.append(DomainError(ResidencyErrorCode.PASSPORT_EXPIRED, "passportExpiry"))
    return errors


def _same_record(existing: Person, data: PersonData) -> bool:
    """Whether the caller gave every detail the record holds (so learns nothing from it)."""
    return (
        existing.date_of_birth == data.date_of_birth
        and existing.name_en.casefold() == data.name_en.casefold()
        and existing.name_ar == data.name_ar
        and existing.nationality == data.nationality
        and existing.sex == data.sex
        and existing.passport_number == data.passport_number
        and existing.passport_expiry == data.passport_expiry
    )


def _on_another_file(person: Person, sponsor: Sponsor, today: dt.date) -> bool:
    """Whether another sponsor has the person on their active file, or holds a live permit
    for them: moving them is a transfer, never a side effect of adding a dependent."""
    others = ~Q(sponsor=sponsor)
    return (
        Dependent.objects.filter(others, person=person, ended_on__isnull=True).exists()
        or ResidencyPermit.objects.filter(
            others, holder=person, cancelled_at__isnull=True, expires_on__gte=today
        ).exists()
    )


def _person_for_file(data: PersonData, sponsor: Sponsor) -> Person:
    """The person to put on the sponsor's file: created when new; an existing one only when on
    nobody else's file and only with exactly the details on record (civil IDs and names are
    no secret: knowing them must not open somebody's passport, documents or permits)."""
    existing = Person.objects.select_for_update().filter(civil_id=data.civil_id).first()
    if existing is not None:
        if _on_another_file(existing, sponsor, timezone.localdate()):
            raise DomainError(ResidencyErrorCode.SPONSORED_ELSEWHERE, "civilId")
        if not _same_record(existing, data):
            raise DomainError(ResidencyErrorCode.DUPLICATE_CIVIL_ID, "civilId")
        return existing
    person = Person(
        civil_id=data.civil_id,
        name_ar=data.name_ar,
        name_en=data.name_en,
        nationality=data.nationality,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        passport_number=data.passport_number,
        passport_expiry=data.passport_expiry,
    )
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # registered meanwhile by a concurrent request
        raise DomainError(ResidencyErrorCode.DUPLICATE_CIVIL_ID, "civilId") from exc
    return person


@transaction.atomic
def dependent_add(*, actor: Any, sponsor: Sponsor, person: PersonData, relation: str) -> Dependent:
    """Put a person on a sponsor's file (a wife, a child, a domestic worker, an employee)."""
    if not access.may(actor, sponsor, Scope.RENEW):
        raise DomainError(ResidencyErrorCode.NOT_FOUND, "sponsorId")
    person = person_data_normalized(person)
    errors = person_data_errors(person)
    if relation not in Law().relations_sponsorable_by(sponsor.kind) or relation == Relation.SELF:
        errors.append(DomainError(ResidencyErrorCode.RELATION_NOT_ALLOWED, "relation"))
    if errors:
        raise DomainErrors(errors)
    existing = Person.objects.filter(civil_id=person.civil_id).values_list("pk", flat=True).first()
    if existing is not None and existing == sponsor.person_id:
        raise DomainError(ResidencyErrorCode.RELATION_NOT_ALLOWED, "relation")
    if Dependent.objects.filter(
        sponsor=sponsor, person_id=existing, ended_on__isnull=True
    ).exists():
        raise DomainError(ResidencyErrorCode.ALREADY_DEPENDENT, "civilId")
    record = _person_for_file(person, sponsor)
    try:
        with transaction.atomic():
            dependent = Dependent.objects.create(sponsor=sponsor, person=record, relation=relation)
    except IntegrityError as exc:  # a concurrent request added the same person first
        raise DomainError(ResidencyErrorCode.ALREADY_DEPENDENT, "civilId") from exc
    audit(
        actor=actor,
        sponsor=sponsor,
        action=AuditAction.DEPENDENT_ADDED,
        target=dependent,
        detail={"civil_id": record.civil_id, "relation": relation},
    )
    return dependent


@transaction.atomic
def dependent_release(*, actor: Any, dependent_id: int | None, reason: str) -> Dependent:
    """Take someone off the sponsor's file (a worker who left, a domestic worker gone home):
    the dependency ends today and the residency the sponsor holds for them is cancelled, each
    in its history; from then on the sponsor sees none of their papers. Releasing someone
    already released answers the same."""
    dependent = (
        Dependent.objects.select_for_update(of=("self",))
        .select_related("sponsor", "person")
        .filter(pk=dependent_id)
        .first()
    )
    if dependent is None or not access.may(actor, dependent.sponsor, Scope.RENEW):
        raise DomainError(ResidencyErrorCode.NOT_FOUND, "dependentId")
    if dependent.ended_on is not None:
        return dependent
    text = free_text(reason, 200)
    if not text:
        raise DomainError(ResidencyErrorCode.INVALID, "reason")
    if dependent.person.application_items.filter(
        open_person__isnull=False, application__sponsor=dependent.sponsor
    ).exists():
        raise DomainError(ResidencyErrorCode.IN_OPEN_APPLICATION, "dependentId")
    dependent.ended_on = timezone.localdate()
    dependent.save(update_fields=["ended_on"])
    for permit in ResidencyPermit.objects.filter(
        holder=dependent.person, sponsor=dependent.sponsor, cancelled_at__isnull=True
    ):
        permit_cancel(actor=actor, permit=permit, reason=text)
    audit(
        actor=actor,
        sponsor=dependent.sponsor,
        action=AuditAction.DEPENDENT_RELEASED,
        target=dependent,
        detail={"civil_id": dependent.person.civil_id, "reason": text},
    )
    return dependent
