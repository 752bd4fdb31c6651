"""Before applying: for each person, eligible or why not, the durations allowed, the documents
still missing and the itemised price — writing nothing.

It asks the kind exactly what creating and submitting would (``Kind.new_items``,
``item_problems``, ``durations``) on an application that is never saved, reads the document
archive against the requirements, and prices with ``payments.pricing`` as a quote would, but
without the agencies: what they will find (health cover, fines) is not known yet, so health
cover is priced provisionally (as if not insured to the end) and fines are left out. It lives
beside pricing because a price is part of its answer; a bulk dry run uses the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import access
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import KINDS, Durations, PersonChoice
from core.applications.kinds.base import LIMIT_WORDS
from core.applications.models import Application, ApplicationItem
from core.documents.requirements import Missing, missing_documents
from core.errors import DomainError, DomainErrors
from core.law.rules import Law
from core.models import Sponsor
from core.scopes import Scope
from payments.pricing import ZERO, PricedLine, price_unchecked


@dataclass
class PersonPreview:
    index: int
    item: ApplicationItem | None = None  # None: the person cannot be on such an application
    problems: list[DomainError] = field(default_factory=list)
    durations: Durations | None = None
    months: int | None = None  # the months priced: those asked for, else the longest allowed
    missing: list[Missing] = field(default_factory=list)
    lines: list[PricedLine] = field(default_factory=list)
    unpriced: bool = False  # the schedule lacks a rate for them

    @property
    def eligible(self) -> bool:
        return (
            self.item is not None
            and not self.problems
            and self.durations is not None
            and self.durations.any
            and not self.unpriced
        )

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class Preview:
    kind: str
    day: dt.date
    people: list[PersonPreview]

    @property
    def total(self) -> Decimal:
        return sum((person.subtotal for person in self.people), ZERO)

    @property
    def provisional(self) -> bool:
        """Some amount waits for the agencies (health cover), and fines are not in it."""
        return any(line.provisional for person in self.people for line in person.lines)


def _sponsor(actor: Any, sponsor_id: int | None) -> Sponsor:
    sponsor = access.actable_sponsor(actor, sponsor_id, Scope.VIEW_WORKERS)
    if sponsor is None:
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "sponsorId")
    return sponsor


def application_preview(
    *, actor: Any, kind: str, sponsor_id: int | None, people: list[PersonChoice]
) -> Preview:
    """What applying would give, per person; raises only for the request as a whole (an
    unknown kind, a sponsor the actor may not act for, nobody asked about)."""
    if kind not in KINDS:
        raise DomainError(ApplicationErrorCode.UNKNOWN_KIND, "kind")
    if not people:
        raise DomainError(ApplicationErrorCode.EMPTY_APPLICATION, "people")
    the_kind = KINDS[kind]
    law = Law()
    application = Application(sponsor=_sponsor(actor, sponsor_id), kind=kind)
    previews: list[PersonPreview] = []
    fields = [f"people.{index}" for index in range(len(people))]
    made = the_kind.new_items(application, people, fields=fields, law=law)
    for index, (choice, field_name, item) in enumerate(zip(people, fields, made, strict=True)):
        preview = PersonPreview(index)
        previews.append(preview)
        if isinstance(item, DomainError):
            preview.problems = [item]
            continue
        if isinstance(item, DomainErrors):
            preview.problems = list(item.errors)
            continue
        preview.item = item
        preview.durations = the_kind.durations(item, law)
        preview.problems = the_kind.item_problems(item, months=choice.months, law=law)
        if choice.months is None and not preview.durations.any:
            preview.problems.append(
                DomainError(
                    ApplicationErrorCode.NO_DURATION_ALLOWED,
                    f"{field_name}.months",
                    dict(
                        zip(
                            ("limit_en", "limit_ar"),
                            LIMIT_WORDS[preview.durations.limited_by],
                            strict=True,
                        )
                    ),
                )
            )
        for problem in preview.problems:
            if problem.field and not problem.field.startswith(field_name):
                problem.field = f"{field_name}.{problem.field}"
        preview.months = choice.months or preview.durations.max_months or None
        item.months = preview.months
        preview.missing = missing_documents(
            item.person,
            item.article,
            item.relation or None,
            law.day,
            purpose=the_kind.document_purpose,
            sponsor=application.sponsor,
        )
    priced = [p for p in previews if p.item is not None and p.months]
    prices = price_unchecked([p.item for p in priced], law)
    unpriced = {id(item) for item in prices.missing}
    for person in priced:
        person.lines = [line for line in prices.lines if line.item is person.item]
        person.unpriced = id(person.item) in unpriced
    return Preview(kind, law.day, previews)
