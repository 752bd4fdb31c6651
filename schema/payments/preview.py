"""``applicationPreview``: before applying, per person, eligible or why not, the durations
allowed, the documents missing and the itemised price; it writes nothing
(``payments.preview``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.applications.kinds import Durations, Limit
from payments import preview as previewing
from payments.pricing import PricedLine
from schema.applications.errors import ApplicationError
from schema.applications.inputs import ApplicationPersonInput, choices_of
from schema.applications.types import ApplicationKindEnum, ChargeKindEnum
from schema.core.types import Person
from schema.documents.types import MissingDocument
from schema.errors import pk_of, run_domain, to_errors
from schema.payments.types import FeePerEnum

DurationLimitEnum = strawberry.enum(Limit, name="DurationLimit")


@strawberry.type(description="The months that may be chosen, and what bounds them.")
class DurationRange:
    min_months: int
    max_months: int = strawberry.field(description="0: no duration can be given now.")
    limited_by: DurationLimitEnum

    @classmethod
    def of(cls, durations: Durations) -> DurationRange:
        return cls(
            min_months=durations.min_months,
            max_months=durations.max_months,
            limited_by=durations.limited_by,
        )


@strawberry.type(description="One charge a person would pay (KWD).")
class PreviewLine:
    kind: ChargeKindEnum
    description_en: str
    description_ar: str
    months: int | None
    rate_amount: Decimal | None
    rate_per: FeePerEnum | None
    amount: Decimal
    provisional: bool = strawberry.field(
        description="Known only once the agencies answer (health cover is charged unless the "
        "person is insured to the end of the period)."
    )

    @classmethod
    def of(cls, line: PricedLine) -> PreviewLine:
        return cls(
            kind=line.kind,
            description_en=line.description_en,
            description_ar=line.description_ar,
            months=line.months,
            rate_amount=line.rate_amount,
            rate_per=line.per or None,
            amount=line.amount,
            provisional=line.provisional,
        )


@strawberry.type(description="What applying would give one person.")
class PersonPreview:
    index: int = strawberry.field(description="Their place in the people asked about.")
    person: Person | None = strawberry.field(
        description="Null when they cannot be on such an application (the problems say why)."
    )
    eligible: bool
    problems: list[ApplicationError]
    durations: DurationRange | None
    months: int | None = strawberry.field(description="The months the lines are priced for.")
    missing_documents: list[MissingDocument]
    lines: list[PreviewLine]
    subtotal: Decimal

    @classmethod
    def of(cls, preview: previewing.PersonPreview, info: Info) -> PersonPreview:
        item = preview.item
        return cls(
            index=preview.index,
            person=item.person if item is not None and item.person.pk else None,
            eligible=preview.eligible,
            problems=[p for e in preview.problems for p in to_errors(e, info, ApplicationError)],
            durations=DurationRange.of(preview.durations) if preview.durations else None,
            months=preview.months,
            missing_documents=[MissingDocument.of(m) for m in preview.missing],
            lines=[PreviewLine.of(line) for line in preview.lines],
            subtotal=preview.subtotal,
        )


@strawberry.type(description="What applying would give: no writes.")
class ApplicationPreview:
    kind: ApplicationKindEnum
    day: dt.date = strawberry.field(description="The day the law and the schedule are read on.")
    people: list[PersonPreview]
    total: Decimal
    provisional: bool = strawberry.field(
        description="Some amount waits for the agencies; unpaid fines are not included."
    )


@strawberry.type
class ApplicationPreviewPayload:
    preview: ApplicationPreview | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


@strawberry.type
class ApplicationPreviewQuery:
    @strawberry_django.field(
        description="Before applying: for each person, eligible or the typed reasons why not, "
        "the durations allowed, the documents still missing and the itemised price. Writes "
        "nothing; agencies are not asked (health cover is provisional, fines not included)."
    )
    def application_preview(
        self,
        info: Info,
        kind: ApplicationKindEnum,
        sponsor_id: relay.GlobalID,
        people: list[ApplicationPersonInput],
    ) -> ApplicationPreviewPayload:
        preview, errors = run_domain(
            info,
            ApplicationError,
            lambda: previewing.application_preview(
                actor=info.context.user,
                kind=kind.value,
                sponsor_id=pk_of(sponsor_id, "Sponsor"),
                people=choices_of(people),
            ),
        )
        if preview is None:
            return ApplicationPreviewPayload(errors=errors)
        return ApplicationPreviewPayload(preview=_typed(preview, info))


def _typed(preview: previewing.Preview, info: Info) -> ApplicationPreview:
    return ApplicationPreview(
        kind=ApplicationKindEnum(preview.kind),
        day=preview.day,
        people=[PersonPreview.of(p, info) for p in preview.people],
        total=preview.total,
        provisional=preview.provisional,
    )
