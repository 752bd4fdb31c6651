"""Writes on sponsors' files. Each mutation: resolve the node, call the service, map errors."""

from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.errors import DomainError, ResidencyErrorCode
from core.models import Sponsor
from core.services.people import PersonData, dependent_add, dependent_release
from schema.core.enums import RelationEnum, SexEnum
from schema.core.types import Dependent
from schema.errors import ResidencyError, pk_of, run_domain


@strawberry.input(description="A person's details exactly as printed on their civil ID.")
class PersonInput:
    civil_id: str
    name_ar: str
    name_en: str
    nationality: str = strawberry.field(description="ISO 3166 alpha-3, e.g. IND, EGY, PHL.")
    date_of_birth: dt.date
    sex: SexEnum
    passport_number: str
    passport_expiry: dt.date


@strawberry.type
class AddDependentPayload:
    dependent: Dependent | None = None
    errors: list[ResidencyError] = strawberry.field(default_factory=list)


@strawberry.type
class ReleaseDependentPayload:
    dependent: Dependent | None = None
    errors: list[ResidencyError] = strawberry.field(default_factory=list)


def _sponsor_for(sponsor_id: relay.GlobalID) -> Sponsor:
    """The sponsor a global ID names; the service decides whether the caller may act for it."""
    sponsor = Sponsor.objects.filter(pk=pk_of(sponsor_id, "Sponsor")).first()
    if sponsor is None:
        raise DomainError(ResidencyErrorCode.NOT_FOUND, "sponsorId")
    return sponsor


@strawberry.type
class ResidencyMutation:
    @strawberry_django.mutation(
        description="Put a person (wife, child, domestic worker, employee) on a sponsor's file."
    )
    def add_dependent(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        person: PersonInput,
        relation: RelationEnum,
    ) -> AddDependentPayload:
        def call():
            sponsor = _sponsor_for(sponsor_id)
            return dependent_add(
                actor=info.context.user,
                sponsor=sponsor,
                person=PersonData(
                    civil_id=person.civil_id,
                    name_ar=person.name_ar,
                    name_en=person.name_en,
                    nationality=person.nationality,
                    date_of_birth=person.date_of_birth,
                    sex=person.sex.value,
                    passport_number=person.passport_number,
                    passport_expiry=person.passport_expiry,
                ),
                relation=relation.value,
            )

        dependent, errors = run_domain(info, ResidencyError, call)
        return AddDependentPayload(dependent=dependent, errors=errors)

    @strawberry_django.mutation(
        description="Take someone off a sponsor's file (a worker who left): the dependency ends "
        "and the residency the sponsor holds for them is cancelled, with the reason."
    )
    def release_dependent(
        self, info: Info, dependent_id: relay.GlobalID, reason: str
    ) -> ReleaseDependentPayload:
        dependent, errors = run_domain(
            info,
            ResidencyError,
            lambda: dependent_release(
                actor=info.context.user,
                dependent_id=pk_of(dependent_id, "Dependent"),
                reason=reason,
            ),
        )
        return ReleaseDependentPayload(dependent=dependent, errors=errors)
