"""What a kind of application is made of (``core.applications.kinds`` lists the kinds)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.agencies.base import Subject
from core.applications.models import AgencyName, Application, ApplicationItem
from core.errors import DomainError, DomainErrors
from core.law.rules import Law
from core.models import Person, Sponsor
from core.services.visitors import VisitorDetails


@dataclass(frozen=True)
class PersonChoice:
    """A person asked for on an application, and the months chosen for them (maybe later).

    A renewal names someone on the file (``person_id``); a visit names a visitor from abroad
    (``visitor``) and their ``relation`` to the host; a transfer names a resident on someone
    else's file as the new sponsor knows them (``civil_id``, ``name_en``,
    ``passport_number``), the article they move to and their relation to the new sponsor.
    """

    person_id: int | None = None
    months: int | None = None
    relation: str | None = None
    visitor: VisitorDetails | None = None
    civil_id: str | None = None
    name_en: str | None = None
    passport_number: str | None = None
    to_article: int | None = None


class ChargeKind(enum.StrEnum):
    RESIDENCY_FEE = "residency_fee"
    HEALTH_INSURANCE = "health_insurance"
    FINES = "fines"
    OVERSTAY_FINE = "overstay_fine"
    VISIT_FEE = "visit_fee"
    TRANSFER_FEE = "transfer_fee"


@dataclass(frozen=True)
class Charge:
    """Something one person's application is charged for, as the kind sees it; the amount is
    ``payments.pricing``'s, except for what an agency says is owed to it (fines)."""

    kind: ChargeKind
    months: int | None = None
    article: int | None = None  # the residency or transfer fee's (new) article
    owed: Decimal | None = None  # fines: what the agency reports
    references: tuple[str, ...] = ()  # fines: the agency's references
    days: int | None = None  # overstay: days past expiry
    category: str | None = None  # overstay: the law's category (``OverstayCategory``)
    from_article: int | None = None  # transfer: the article left
    years_of_service: int | None = None  # transfer: complete years with the current sponsor
    provisional: bool = False  # not known before the agencies answer (a preview's health cover)


class Limit(enum.StrEnum):
    """What bounds how long a residency may be given for."""

    ARTICLE = "article"
    PASSPORT = "passport"
    SPONSOR_PERMIT = "sponsor_permit"
    VISIT_TERM = "visit_term"


LIMIT_WORDS: dict[Limit, tuple[str, str]] = {
    Limit.ARTICLE: ("the longest residency of the article", "أقصى مدة تسمح بها المادة"),
    Limit.PASSPORT: ("the passport's expiry", "انتهاء جواز السفر"),
    Limit.SPONSOR_PERMIT: ("the sponsor's own residency", "إقامة الكفيل نفسه"),
    Limit.VISIT_TERM: ("the longest visit allowed", "أقصى مدة للزيارة"),
}


@dataclass(frozen=True)
class ConsentAsked:
    """A party whose consent an item needs before anyone is checked: a sponsor (``sponsor_id``)
    or the holder (``sponsor_id`` None)."""

    party: str  # ``ConsentParty``
    sponsor_id: int | None = None


@dataclass(frozen=True)
class Durations:
    """The months that may be chosen: 1 to ``max_months`` (0: none), and what bounds it."""

    max_months: int
    limited_by: Limit
    min_months: int = 1

    @property
    def any(self) -> bool:
        return self.max_months >= self.min_months


@dataclass(frozen=True)
class Found:
    """What one agency found about an item (``AgencyCheck.facts``) and says is owed to it."""

    facts: dict
    owed: Decimal


# What the agencies found about an item, by agency name; None before any agency was asked (a
# preview).
Facts = Mapping[str, Found] | None


def subject_of(person: Person, sponsor: Sponsor, start: dt.date, end: dt.date) -> Subject:
    """Whom the agencies check (a holder, or a visit's host), for which period, under which
    sponsor (and, for a company, its Manpower Authority file)."""
    return Subject(
        civil_id=person.civil_id,
        name_en=person.name_en,
        nationality=person.nationality,
        date_of_birth=person.date_of_birth,
        period_start=start,
        period_end=end,
        sponsor_civil_id=sponsor.person.civil_id if sponsor.person_id else None,
        employer_file_number=sponsor.manpower_file_number or None,
    )


def health_cover(months: int, end: dt.date, facts: Facts) -> list[Charge]:
    """Health cover for the whole period, unless the health check found the person insured to
    its end; before any check (a preview), provisionally."""
    if facts is None:
        return [Charge(ChargeKind.HEALTH_INSURANCE, months=months, provisional=True)]
    health = facts.get(AgencyName.HEALTH)
    if not (health and health.facts):
        return []
    insured_until = health.facts.get("insured_until")
    if insured_until is None or dt.date.fromisoformat(insured_until) < end:
        return [Charge(ChargeKind.HEALTH_INSURANCE, months=months)]
    return []


def agency_fines(facts: Facts) -> list[Charge]:
    """The unpaid fines the fines check found, with their references (each charged once:
    ``payments.pricing``)."""
    fines = (facts or {}).get(AgencyName.FINES)
    if not (fines and fines.owed):
        return []
    references = tuple(f.get("reference", "") for f in fines.facts.get("fines", []))
    return [Charge(ChargeKind.FINES, owed=fines.owed, references=references)]


# What ``Kind.new_items`` gives for one person: their item, or what stops them.
NewItem = ApplicationItem | DomainError | DomainErrors


class Kind(Protocol):
    name: str
    reference_prefix: str
    title_en: str
    title_ar: str
    document_purpose: str

    def new_items(
        self,
        application: Application,
        choices: Sequence[PersonChoice],
        *,
        fields: Sequence[str],
        law: Law,
    ) -> list[NewItem]:
        """For each person chosen, in order, an unsaved item, or DomainError/DomainErrors
        saying why the person cannot be on such an application at all (what stops them for a
        duration is ``item_problems``'); ``fields[i]`` names choice ``i`` in its errors. Reads
        only (a preview calls it too), for everyone at once where it can."""

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, law: Law
    ) -> list[DomainError]:
        """What stops this item, for this many months (None: not chosen yet)."""

    def durations(self, item: ApplicationItem, law: Law) -> Durations:
        """The months that may be chosen for this item."""

    def agencies(self, item: ApplicationItem) -> list[str]:
        """The agencies that check this item (``AgencyName`` values)."""

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        """Whom the agencies check, for which period."""

    def charges(self, item: ApplicationItem, law: Law, facts: Facts) -> list[Charge]:
        """What this item is charged for, from what the agencies found (``facts``)."""

    def consents(self, item: ApplicationItem, law: Law) -> list[ConsentAsked]:
        """The parties who must consent before the item is checked (none: checked at once)."""

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        """What issuing does for one paid item."""


def one_at_a_time(
    new_item: Callable[..., ApplicationItem],
    application: Application,
    choices: Sequence[PersonChoice],
    *,
    fields: Sequence[str],
    law: Law,
) -> list[NewItem]:
    """``new_items`` for a kind that looks at each person alone: ``new_item(application,
    choice, field=…, law=…)`` returns the item or raises what stops the person."""
    made: list[NewItem] = []
    for choice, field in zip(choices, fields, strict=True):
        try:
            made.append(new_item(application, choice, field=field, law=law))
        except (DomainError, DomainErrors) as exc:
            made.append(exc)
    return made
