"""What a kind of application is made of (``core.applications.kinds`` lists the kinds)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.agencies.base import Subject
from core.applications.models import Application, ApplicationItem
from core.errors import DomainError


@dataclass(frozen=True)
class PersonChoice:
    """A person asked for on an application, and the months chosen for them (maybe later)."""

    person_id: int | None
    months: int | None = None


class ChargeKind(enum.StrEnum):
    RESIDENCY_FEE = "residency_fee"
    HEALTH_INSURANCE = "health_insurance"
    FINES = "fines"


@dataclass(frozen=True)
class Charge:
    """Something one person's application is charged for, as the kind sees it; the amount is
    ``payments.pricing``'s, except for what an agency says is owed to it (fines)."""

    kind: ChargeKind
    months: int | None = None
    article: int | None = None  # the residency fee's article
    owed: Decimal | None = None  # fines: what the agency reports
    references: tuple[str, ...] = ()  # fines: the agency's references


class Kind(Protocol):
    name: str
    reference_prefix: str
    title_en: str
    title_ar: str
    document_purpose: str

    def new_item(
        self, application: Application, choice: PersonChoice, *, field: str, today: dt.date
    ) -> ApplicationItem:
        """An unsaved item for the choice, or DomainError/DomainErrors saying why not."""

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, today: dt.date
    ) -> list[DomainError]:
        """What stops this item, for this many months (None: not chosen yet)."""

    def agencies(self, item: ApplicationItem) -> list[str]:
        """The agencies that check this item (``AgencyName`` values)."""

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        """Whom the agencies check, for which period."""

    def charges(self, item: ApplicationItem, today: dt.date) -> list[Charge]:
        """What this item is charged for, from its checks' facts (prefetch ``checks``)."""

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        """What issuing does for one paid item."""
