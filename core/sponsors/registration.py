"""Registering sponsors that act through staff.

A company registers itself: a resident signed in as themself gives the commercial registration
and the Manpower Authority file number; the Authority confirms the file, that it is active, that
its commercial registration is the one given and that the person signs for it
(``core.agencies.registry.establishment``); the company is created with the names the Authority
holds, and the person becomes its owner. The Authority is asked outside any transaction.

Government bodies and missions (embassies, consulates, diplomatic missions) are registered by
the back office, naming the account that becomes their owner.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from core import access
from core.agencies.base import AgencyUnavailable, EstablishmentQuery, EstablishmentStatus
from core.agencies.registry import establishment
from core.articles import SponsorKind
from core.civil_id import normalize_digits
from core.errors import DomainError, DomainErrors
from core.models import AuditAction, Person, Sponsor, SponsorStaff
from core.names import free_text
from core.scopes import StaffRole
from core.services.audit import audit
from core.sponsors.errors import RegistrationErrorCode

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")
PUBLIC_KINDS = frozenset({SponsorKind.GOVERNMENT, SponsorKind.MISSION})
STATUS_AR = {
    EstablishmentStatus.SUSPENDED: "موقوف",
    EstablishmentStatus.CANCELLED: "ملغى",
}


def _code(value: str) -> str | None:
    """A registration or file number as stored: digits of any script as ASCII, upper case."""
    text = normalize_digits(value or "").strip().upper()
    return text if CODE.fullmatch(text) else None


def _already(commercial_registration: str, file_number: str) -> bool:
    return Sponsor.objects.filter(
        Q(commercial_registration=commercial_registration) | Q(manpower_file_number=file_number),
        kind=SponsorKind.COMPANY,
    ).exists()


def company_register(
    *, actor: Any, commercial_registration: str, manpower_file_number: str
) -> Sponsor:
    if not access.signed_in(actor):
        raise DomainError(RegistrationErrorCode.NOT_AUTHENTICATED)
    if access.acting_token(actor) is not None:
        raise DomainError(RegistrationErrorCode.SIGN_IN_AS_YOURSELF)
    registration, file_number = _code(commercial_registration), _code(manpower_file_number)
    problems = []
    if registration is None:
        code = RegistrationErrorCode.INVALID_COMMERCIAL_REGISTRATION
        problems.append(DomainError(code, "commercialRegistration"))
    if file_number is None:
        problems.append(
            DomainError(RegistrationErrorCode.INVALID_FILE_NUMBER, "manpowerFileNumber")
        )
    if problems:
        raise DomainErrors(problems)
    person = Person.objects.filter(user_id=actor.pk, civil_id__isnull=False).first()
    if person is None:
        raise DomainError(RegistrationErrorCode.RESIDENT_REQUIRED)
    if _already(registration, file_number):
        raise DomainError(RegistrationErrorCode.ALREADY_REGISTERED, "commercialRegistration")
    try:
        facts = establishment(EstablishmentQuery(file_number, person.civil_id))
    except AgencyUnavailable as exc:
        raise DomainError(RegistrationErrorCode.MANPOWER_UNAVAILABLE) from exc
    if not facts.found or facts.commercial_registration.upper() != registration:
        raise DomainError(RegistrationErrorCode.ESTABLISHMENT_UNKNOWN, "manpowerFileNumber")
    if facts.status != EstablishmentStatus.ACTIVE:
        status = {"status": str(facts.status), "status_ar": STATUS_AR.get(facts.status, "")}
        raise DomainError(
            RegistrationErrorCode.ESTABLISHMENT_INACTIVE, "manpowerFileNumber", status
        )
    if not facts.signatory:
        raise DomainError(RegistrationErrorCode.NOT_AUTHORISED_SIGNATORY)
    details = {
        "commercial_registration": registration,
        "manpower_file_number": file_number,
        "manpower_reference": facts.reference,
    }
    return _create(
        actor=actor,
        owner=actor,
        sponsor=Sponsor(
            kind=SponsorKind.COMPANY,
            name_en=facts.name_en,
            name_ar=facts.name_ar,
            commercial_registration=registration,
            manpower_file_number=file_number,
        ),
        detail=details,
    )


def public_sponsor_register(
    *, actor: Any, kind: str, name_en: str, name_ar: str, owner_username: str
) -> Sponsor:
    """A government body or a mission, by the back office, with its first owner."""
    if not access.is_back_office(actor):
        raise DomainError(RegistrationErrorCode.BACK_OFFICE_ONLY)
    problems = []
    if kind not in PUBLIC_KINDS:
        problems.append(DomainError(RegistrationErrorCode.INVALID_KIND, "kind"))
    names = {
        field: free_text(value or "", 200)
        for field, value in (("nameEn", name_en), ("nameAr", name_ar))
    }
    problems += [
        DomainError(RegistrationErrorCode.NAME_REQUIRED, field)
        for field, value in names.items()
        if not value
    ]
    owner = get_user_model().objects.filter(username=owner_username, is_active=True).first()
    if owner is None:
        problems.append(DomainError(RegistrationErrorCode.USER_NOT_FOUND, "ownerUsername"))
    if problems:
        raise DomainErrors(problems)
    if Sponsor.objects.filter(kind=kind, name_en__iexact=names["nameEn"]).exists():
        raise DomainError(RegistrationErrorCode.ALREADY_REGISTERED, "nameEn")
    return _create(
        actor=actor,
        owner=owner,
        sponsor=Sponsor(kind=kind, name_en=names["nameEn"], name_ar=names["nameAr"]),
        detail={"owner": owner.get_username()},
    )


def _create(*, actor: Any, owner: Any, sponsor: Sponsor, detail: dict[str, Any]) -> Sponsor:
    try:
        with transaction.atomic():
            sponsor.save()
            SponsorStaff.objects.create(
                sponsor=sponsor, user=owner, role=StaffRole.OWNER, granted_by=actor
            )
            audit(
                actor=actor,
                sponsor=sponsor,
                action=AuditAction.SPONSOR_REGISTERED,
                target=sponsor,
                detail={"kind": sponsor.kind, "name_en": sponsor.name_en, **detail},
            )
    except IntegrityError as exc:  # lost a race to register the same one
        raise DomainError(RegistrationErrorCode.ALREADY_REGISTERED) from exc
    return sponsor
