"""Who an application (or its preview) is for: one input for every kind, read by the kind."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay

from core.applications.kinds import PersonChoice, VisitorDetails
from schema.core.enums import RelationEnum, SexEnum
from schema.errors import pk_of


@strawberry.input(description="A visitor from abroad, exactly as on their passport.")
class VisitorInput:
    passport_number: str
    nationality: str = strawberry.field(description="ISO 3166 alpha-3, e.g. IND, EGY, PHL.")
    name_en: str
    name_ar: str
    date_of_birth: dt.date
    sex: SexEnum
    passport_expiry: dt.date


@strawberry.input(
    description="A person asked about. A renewal names someone on the file (personId); a visit "
    "a visitor and their relation to the host; a transfer a resident as the new sponsor's papers "
    "show them (civilId, nameEn as on the civil ID, passportNumber), the article they move to "
    "(toArticle) and, where the article allows more than one, their relation to the new sponsor."
)
class ApplicationPersonInput:
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Someone on the sponsor's file, or the sponsor themself."
    )
    months: int | None = strawberry.field(
        default=None,
        description="The duration wanted; may be chosen later (a preview prices "
        "the longest allowed).",
    )
    relation: RelationEnum | None = None
    visitor: VisitorInput | None = None
    civil_id: str | None = None
    name_en: str | None = None
    passport_number: str | None = None
    to_article: int | None = None


def choices_of(people: list[ApplicationPersonInput]) -> list[PersonChoice]:
    return [
        PersonChoice(
            person_id=pk_of(p.person_id, "Person") if p.person_id else None,
            months=p.months,
            relation=p.relation.value if p.relation else None,
            visitor=(
                VisitorDetails(
                    passport_number=p.visitor.passport_number,
                    nationality=p.visitor.nationality,
                    name_en=p.visitor.name_en,
                    name_ar=p.visitor.name_ar,
                    date_of_birth=p.visitor.date_of_birth,
                    sex=p.visitor.sex.value,
                    passport_expiry=p.visitor.passport_expiry,
                )
                if p.visitor
                else None
            ),
            civil_id=p.civil_id,
            name_en=p.name_en,
            passport_number=p.passport_number,
            to_article=p.to_article,
        )
        for p in people
    ]
