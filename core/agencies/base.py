"""The interface of each agency: what we ask, and the facts it answers.

Adapters report facts only. Whether a fact blocks an application or sends it to review is
decided in ``core.applications.verdicts``; what anything costs, in ``payments.pricing``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class AgencyUnavailable(Exception):
    """The agency did not answer usefully (timeout, outage, 5xx, open circuit). Retry later;
    this never fails an application."""


@dataclass(frozen=True)
class Subject:
    """Who is being checked, for which residency period."""

    civil_id: str
    name_en: str
    nationality: str
    date_of_birth: dt.date
    period_start: dt.date
    period_end: dt.date
    sponsor_civil_id: str | None = None
    employer_file_number: str | None = None


@dataclass(frozen=True)
class InsuranceFacts:
    insured_until: dt.date | None
    annual_fee: Decimal
    reference: str = ""


class FineKind(enum.StrEnum):
    TRAFFIC = "traffic"
    RESIDENCY = "residency"


@dataclass(frozen=True)
class Fine:
    kind: FineKind
    reference: str
    amount: Decimal
    description_en: str
    description_ar: str


@dataclass(frozen=True)
class FinesFacts:
    fines: tuple[Fine, ...] = ()
    reference: str = ""


class CourtRecordKind(enum.StrEnum):
    OPEN_CASE = "open_case"
    JUDGMENT = "judgment"
    TRAVEL_BAN = "travel_ban"
    ENFORCEMENT_ORDER = "enforcement_order"
    DEPORTATION_ORDER = "deportation_order"


@dataclass(frozen=True)
class CourtRecord:
    kind: CourtRecordKind
    reference: str
    description_en: str
    description_ar: str


@dataclass(frozen=True)
class CourtFacts:
    records: tuple[CourtRecord, ...] = ()
    reference: str = ""


@dataclass(frozen=True)
class WorkPermitFacts:
    valid_until: dt.date | None
    employer_file_number: str | None
    reference: str = ""


class EstablishmentStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class EstablishmentQuery:
    """An establishment by its Manpower Authority file number, and the person asking to act
    for it (whether they sign for it)."""

    file_number: str
    signatory_civil_id: str


@dataclass(frozen=True)
class EstablishmentFacts:
    """What the Authority holds on an establishment; ``found`` False: no such file."""

    found: bool
    file_number: str = ""
    commercial_registration: str = ""
    name_en: str = ""
    name_ar: str = ""
    status: EstablishmentStatus | None = None
    signatory: bool = False  # the person asked about is one of its authorised signatories
    reference: str = ""


@dataclass(frozen=True)
class ReportAck:
    """An agency took a report of ours (cover bought, fines paid): its own reference for it."""

    reference: str


class HealthInsuranceAgency(Protocol):
    """Ministry of Health: is the person insured for the period, and the fee due."""

    def insurance(self, subject: Subject) -> InsuranceFacts: ...

    def report_cover(self, subject: Subject, months: int, reference: str) -> ReportAck:
        """Cover for ``months`` from ``subject.period_start`` was paid with the renewal
        (``reference``: our receipt number; the same reference again is the same report)."""
        ...


class FinesAgency(Protocol):
    """Ministry of Interior: unpaid traffic and residency fines."""

    def fines(self, subject: Subject) -> FinesFacts: ...

    def report_paid(
        self, subject: Subject, fine_references: Sequence[str], reference: str
    ) -> ReportAck:
        """These fines were paid with the renewal (``reference``: our receipt number)."""
        ...


class CourtsAgency(Protocol):
    """Ministry of Justice: open cases, judgments, travel bans, enforcement orders."""

    def records(self, subject: Subject) -> CourtFacts: ...


class ManpowerAgency(Protocol):
    """Public Authority for Manpower: the work permit with the employer (Art. 18), and the
    employers' establishment files (a company registering)."""

    def work_permit(self, subject: Subject) -> WorkPermitFacts: ...

    def establishment(self, query: EstablishmentQuery) -> EstablishmentFacts: ...


@dataclass
class SimulatorSettings:
    """How the simulator misbehaves: latency, random failures, a full outage."""

    latency_ms: tuple[int, int] = (20, 120)
    failure_rate: float = 0.0
    outage: bool = False
    extra: dict = field(default_factory=dict)
