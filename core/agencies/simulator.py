"""A local stand-in for the four agencies, for demos, development and tests.

Every answer is a pure function of the civil ID (and the period asked about): the person's
profile (``core.agencies.profiles``) says what each agency holds. How the agencies misbehave
(latency, random failures, outages) is read from ``settings.AGENCY_SIMULATOR`` at every call, so
tests can change it with ``override_settings``.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from core.agencies.base import (
    AgencyUnavailable,
    CourtFacts,
    EstablishmentFacts,
    EstablishmentQuery,
    FinesFacts,
    InsuranceFacts,
    ReportAck,
    SimulatorSettings,
    Subject,
    WorkPermitFacts,
)
from core.agencies.establishments import establishment_facts, find_file_number
from core.agencies.profiles import (
    InsuranceStatus,
    SimulatedProfile,
    WorkPermitStatus,
    digest,
    find_civil_id,
    profile_for,
)

# The simulator's surface, the profiles included: callers pick people by trait from here too.
__all__ = [
    "AGENCY_NAMES",
    "HEALTH_INSURANCE_ANNUAL_FEE_KD",
    "InsuranceStatus",
    "SimulatedCourtsAgency",
    "SimulatedFinesAgency",
    "SimulatedHealthAgency",
    "SimulatedManpowerAgency",
    "SimulatedProfile",
    "WorkPermitStatus",
    "court_facts",
    "cover_reported",
    "establishment_facts",
    "find_civil_id",
    "find_file_number",
    "fines_facts",
    "fines_reported",
    "insurance_facts",
    "misbehave",
    "profile_for",
    "simulator_settings",
    "work_permit_facts",
]

AGENCY_NAMES = ("health", "fines", "courts", "manpower")

# The published health-insurance fee for residents, KD per year. The simulated Ministry of Health
# quotes it; the payments work is to move it into the fee schedule.
HEALTH_INSURANCE_ANNUAL_FEE_KD = Decimal("100.000")

DEFAULT_MISBEHAVIOUR = {
    "latency_ms": [20, 120],
    "failure_rate": 0.0,
    "outage": [],
    "seed": None,
    "per_agency": {},
}


def _reference(prefix: str, subject: Subject) -> str:
    key = digest(subject.civil_id, str(subject.period_start), str(subject.period_end))
    return f"{prefix}-{key.hex()[:12].upper()}"


def _inside(subject: Subject, fraction: float) -> dt.date:
    """A day inside the period, strictly before its end."""
    days = (subject.period_end - subject.period_start).days
    return subject.period_start + dt.timedelta(days=max(0, min(days - 1, round(days * fraction))))


def insurance_facts(subject: Subject) -> InsuranceFacts:
    profile = profile_for(subject.civil_id)
    if profile.insurance == InsuranceStatus.COVERED:
        until: dt.date | None = subject.period_end + dt.timedelta(days=profile.margin_days)
    elif profile.insurance == InsuranceStatus.PARTIAL:
        until = _inside(subject, profile.cut_fraction)
    else:
        until = None
    return InsuranceFacts(
        insured_until=until,
        annual_fee=HEALTH_INSURANCE_ANNUAL_FEE_KD,
        reference=_reference("MOH", subject),
    )


def fines_facts(subject: Subject) -> FinesFacts:
    return FinesFacts(
        fines=profile_for(subject.civil_id).fines, reference=_reference("MOI", subject)
    )


def court_facts(subject: Subject) -> CourtFacts:
    return CourtFacts(
        records=profile_for(subject.civil_id).court_records,
        reference=_reference("MOJ", subject),
    )


def work_permit_facts(subject: Subject) -> WorkPermitFacts:
    profile = profile_for(subject.civil_id)
    employer = subject.employer_file_number or f"MPA-{digest(subject.civil_id).hex()[:6]}"
    reference = _reference("PAM", subject)
    if profile.work_permit == WorkPermitStatus.NONE:
        return WorkPermitFacts(valid_until=None, employer_file_number=None, reference=reference)
    if profile.work_permit == WorkPermitStatus.ENDS_EARLY:
        until = _inside(subject, profile.cut_fraction)
    else:
        until = subject.period_end + dt.timedelta(days=profile.margin_days)
    if profile.work_permit == WorkPermitStatus.OTHER_EMPLOYER:
        employer = f"{employer}-X"
    return WorkPermitFacts(valid_until=until, employer_file_number=employer, reference=reference)


def cover_reported(subject: Subject, months: int, reference: str) -> ReportAck:
    """The Ministry of Health takes a paid cover; the same report gets the same reference."""
    if months < 1 or not reference:
        raise ValueError("a cover report needs months and our reference")
    key = digest(subject.civil_id, str(subject.period_start), str(months), reference)
    return ReportAck(reference=f"MOH-C-{key.hex()[:12].upper()}")


def fines_reported(subject: Subject, fine_references: tuple[str, ...], reference: str) -> ReportAck:
    """The Ministry of Interior takes paid fines: only fines it holds against the person."""
    known = {f.reference for f in profile_for(subject.civil_id).fines}
    if not fine_references or not reference or not set(fine_references) <= known:
        raise ValueError("unknown fines, or no reference")
    key = digest(subject.civil_id, ",".join(sorted(fine_references)), reference)
    return ReportAck(reference=f"MOI-P-{key.hex()[:12].upper()}")


def simulator_settings(agency: str) -> SimulatorSettings:
    """How this agency misbehaves now: ``AGENCY_SIMULATOR`` over the defaults, then its
    ``per_agency`` entry (``latency_ms``, ``failure_rate``) over that."""
    raw = {**DEFAULT_MISBEHAVIOUR, **getattr(settings, "AGENCY_SIMULATOR", {})}
    unknown = (set(raw["outage"]) | set(raw["per_agency"])) - set(AGENCY_NAMES)
    if unknown:
        raise ImproperlyConfigured(f"AGENCY_SIMULATOR names unknown agencies: {sorted(unknown)}")
    merged = {**raw, **raw["per_agency"].get(agency, {})}
    low, high = (int(ms) for ms in merged["latency_ms"])
    rate = float(merged["failure_rate"])
    if not (0 <= low <= high) or not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured("AGENCY_SIMULATOR: need 0 <= latency min <= max, rate in 0..1")
    return SimulatorSettings(
        latency_ms=(low, high), failure_rate=rate, outage=agency in raw["outage"]
    )


class _Chance:
    """The one generator behind latency and random failures; seeded from
    ``AGENCY_SIMULATOR["seed"]`` and re-seeded whenever that setting changes, so a test that
    sets a seed sees the same sequence every run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rng: random.Random | None = None

    def reset(self) -> None:
        with self._lock:
            self._rng = None

    def uniform(self, low: float, high: float) -> float:
        with self._lock:
            return self._generator().uniform(low, high)

    def random(self) -> float:
        with self._lock:
            return self._generator().random()

    def _generator(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(getattr(settings, "AGENCY_SIMULATOR", {}).get("seed"))
        return self._rng


chance = _Chance()


@receiver(setting_changed)
def _reseed(*, setting: str, **kwargs) -> None:
    if setting == "AGENCY_SIMULATOR":
        chance.reset()


def misbehave(agency: str) -> None:
    """Act out the configured outage, latency and random failure of one call."""
    config = simulator_settings(agency)
    if config.outage:
        raise AgencyUnavailable(f"{agency}: simulated outage")
    low, high = config.latency_ms
    if high > 0:
        time.sleep(chance.uniform(low, high) / 1000)
    if config.failure_rate > 0 and chance.random() < config.failure_rate:
        raise AgencyUnavailable(f"{agency}: simulated failure")


class SimulatedHealthAgency:
    name = "health"

    def insurance(self, subject: Subject) -> InsuranceFacts:
        misbehave(self.name)
        return insurance_facts(subject)

    def report_cover(self, subject: Subject, months: int, reference: str) -> ReportAck:
        misbehave(self.name)
        return cover_reported(subject, months, reference)


class SimulatedFinesAgency:
    name = "fines"

    def fines(self, subject: Subject) -> FinesFacts:
        misbehave(self.name)
        return fines_facts(subject)

    def report_paid(self, subject: Subject, fine_references, reference: str) -> ReportAck:
        misbehave(self.name)
        return fines_reported(subject, tuple(fine_references), reference)


class SimulatedCourtsAgency:
    name = "courts"

    def records(self, subject: Subject) -> CourtFacts:
        misbehave(self.name)
        return court_facts(subject)


class SimulatedManpowerAgency:
    name = "manpower"

    def work_permit(self, subject: Subject) -> WorkPermitFacts:
        misbehave(self.name)
        return work_permit_facts(subject)

    def establishment(self, query: EstablishmentQuery) -> EstablishmentFacts:
        misbehave(self.name)
        return establishment_facts(query)
