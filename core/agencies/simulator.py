"""A local stand-in for the four agencies, for demos, development and tests.

Every answer is a pure function of the civil ID (and the period asked about): a profile is drawn
from a generator seeded with the SHA-256 of the civil ID, so the same person always has the same
fines, court records and cover, and demo data can pick people by trait (``find_civil_id``).
How the agencies misbehave (latency, random failures, outages) is read from
``settings.AGENCY_SIMULATOR`` at every call, so tests can change it with ``override_settings``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

from core.agencies.base import (
    AgencyUnavailable,
    CourtFacts,
    CourtRecord,
    CourtRecordKind,
    Fine,
    FineKind,
    FinesFacts,
    InsuranceFacts,
    ReportAck,
    SimulatorSettings,
    Subject,
    WorkPermitFacts,
)
from core.civil_id import make_civil_id, parse_civil_id

AGENCY_NAMES = ("health", "fines", "courts", "manpower")

# The published health-insurance fee for residents, KD per year. The simulated Ministry of Health
# quotes it; the payments work is to move it into the fee schedule.
HEALTH_INSURANCE_ANNUAL_FEE_KD = Decimal("100.000")
# Overstaying a residency is fined per day, up to a cap.
RESIDENCY_FINE_PER_DAY_KD = Decimal("2.000")
RESIDENCY_FINE_CAP_KD = Decimal("600.000")
ADULT_AGE = 18

# The share of people with each trait. Draws are independent, so traits combine.
SHARES = {
    "insurance_partial": 0.12,
    "insurance_none": 0.13,
    "traffic_fines": 0.25,
    "residency_fine": 0.10,
    "open_case": 0.04,
    "judgment": 0.02,
    "travel_ban": 0.02,
    "enforcement_order": 0.015,
    "permit_ends_early": 0.05,
    "permit_other_employer": 0.03,
    "permit_none": 0.04,
}

TRAFFIC_OFFENCES = (
    ("Exceeding the speed limit", "تجاوز السرعة المقررة", Decimal("30.000")),
    ("Running a red light", "تجاوز الإشارة الضوئية الحمراء", Decimal("50.000")),
    ("Using a mobile phone while driving", "استخدام الهاتف أثناء القيادة", Decimal("75.000")),
    ("Not wearing a seat belt", "عدم ربط حزام الأمان", Decimal("30.000")),
    ("Parking in a prohibited place", "الوقوف في مكان ممنوع", Decimal("7.500")),
    ("Driving with an expired vehicle licence", "قيادة مركبة منتهية الترخيص", Decimal("10.000")),
)

COURT_WORDING = {
    CourtRecordKind.OPEN_CASE: (
        "Open civil case before the Court of First Instance",
        "قضية مدنية منظورة أمام المحكمة الكلية",
    ),
    CourtRecordKind.JUDGMENT: (
        "Final judgment in a commercial case",
        "حكم نهائي في قضية تجارية",
    ),
    CourtRecordKind.TRAVEL_BAN: (
        "Travel ban ordered by the Execution Department",
        "منع سفر صادر عن إدارة التنفيذ",
    ),
    CourtRecordKind.ENFORCEMENT_ORDER: (
        "Enforcement order for an unpaid debt",
        "أمر تنفيذ لدين غير مسدد",
    ),
}

DEFAULT_MISBEHAVIOUR = {
    "latency_ms": [20, 120],
    "failure_rate": 0.0,
    "outage": [],
    "seed": None,
    "per_agency": {},
}


class InsuranceStatus(enum.StrEnum):
    COVERED = "covered"  # insured beyond the end of any period asked about
    PARTIAL = "partial"  # insured into the period, but not to its end
    UNINSURED = "uninsured"


class WorkPermitStatus(enum.StrEnum):
    VALID = "valid"  # with the employer asked about, beyond the period
    ENDS_EARLY = "ends_early"  # with that employer, but ending inside the period
    OTHER_EMPLOYER = "other_employer"
    NONE = "none"


@dataclass(frozen=True)
class SimulatedProfile:
    """The traits the simulated agencies hold about one person."""

    civil_id: str
    minor: bool
    insurance: InsuranceStatus
    fines: tuple[Fine, ...]
    court_records: tuple[CourtRecord, ...]
    work_permit: WorkPermitStatus
    # Where inside a period a partial cover or an early-ending work permit stops (0..1), and
    # how many days beyond the period a full cover or valid permit runs.
    cut_fraction: float
    margin_days: int

    @property
    def uninsured(self) -> bool:
        return self.insurance == InsuranceStatus.UNINSURED

    @property
    def fully_insured(self) -> bool:
        return self.insurance == InsuranceStatus.COVERED

    @property
    def has_traffic_fines(self) -> bool:
        return any(f.kind == FineKind.TRAFFIC for f in self.fines)

    @property
    def has_residency_fine(self) -> bool:
        return any(f.kind == FineKind.RESIDENCY for f in self.fines)

    @property
    def has_fines(self) -> bool:
        return bool(self.fines)

    @property
    def fines_total(self) -> Decimal:
        return sum((f.amount for f in self.fines), Decimal("0.000"))

    @property
    def court_kinds(self) -> frozenset[CourtRecordKind]:
        return frozenset(r.kind for r in self.court_records)

    @property
    def has_travel_ban(self) -> bool:
        return CourtRecordKind.TRAVEL_BAN in self.court_kinds

    @property
    def has_enforcement_order(self) -> bool:
        return CourtRecordKind.ENFORCEMENT_ORDER in self.court_kinds

    @property
    def court_blocks(self) -> bool:
        """A travel ban or enforcement order: the renewal rules block on these."""
        return self.has_travel_ban or self.has_enforcement_order

    @property
    def court_review(self) -> bool:
        """Only an open case or judgment: the renewal rules send these to an officer."""
        return bool(self.court_records) and not self.court_blocks

    @property
    def valid_work_permit(self) -> bool:
        return self.work_permit == WorkPermitStatus.VALID

    @property
    def clear(self) -> bool:
        """Nothing at any agency: insured, no fines, no court records, a valid work permit."""
        return (
            self.fully_insured
            and not self.fines
            and not self.court_records
            and self.valid_work_permit
        )


def _digest(*parts: str) -> bytes:
    return hashlib.sha256(":".join(("iqama-simulator", *parts)).encode()).digest()


def _age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def profile_for(civil_id: str) -> SimulatedProfile:
    """The person's simulated traits. Raises InvalidCivilId for a number PACI could not issue.

    Minors (by the birth date in the civil ID) have no traffic fines, court records or work
    permit, whatever their draw; every other trait depends on the civil ID alone.
    """
    birth_date = parse_civil_id(civil_id).birth_date
    minor = _age_on(birth_date, timezone.localdate()) < ADULT_AGE
    draw = random.Random(int.from_bytes(_digest(civil_id)))

    roll = draw.random()
    if roll < SHARES["insurance_none"]:
        insurance = InsuranceStatus.UNINSURED
    elif roll < SHARES["insurance_none"] + SHARES["insurance_partial"]:
        insurance = InsuranceStatus.PARTIAL
    else:
        insurance = InsuranceStatus.COVERED

    fines: list[Fine] = []
    if draw.random() < SHARES["traffic_fines"]:
        for _ in range(draw.randint(1, 3)):
            en, ar, amount = draw.choice(TRAFFIC_OFFENCES)
            reference = f"MOI-T-{draw.randrange(10**7):07d}"
            fines.append(Fine(FineKind.TRAFFIC, reference, amount, en, ar))
    if draw.random() < SHARES["residency_fine"]:
        days = draw.randint(3, 120)
        amount = min(RESIDENCY_FINE_PER_DAY_KD * days, RESIDENCY_FINE_CAP_KD)
        fines.append(
            Fine(
                FineKind.RESIDENCY,
                f"MOI-R-{draw.randrange(10**7):07d}",
                amount,
                f"Residency overstay of {days} days",
                f"مخالفة إقامة: تجاوز مدة الإقامة {days} يوماً",
            )
        )

    records: list[CourtRecord] = []
    for kind in CourtRecordKind:
        drawn = draw.random() < SHARES[str(kind)]
        number = draw.randrange(10**6)
        if drawn:
            en, ar = COURT_WORDING[kind]
            records.append(CourtRecord(kind, f"MOJ-{number:06d}", en, ar))

    roll = draw.random()
    permit = WorkPermitStatus.VALID
    for status, share in (
        (WorkPermitStatus.NONE, SHARES["permit_none"]),
        (WorkPermitStatus.OTHER_EMPLOYER, SHARES["permit_other_employer"]),
        (WorkPermitStatus.ENDS_EARLY, SHARES["permit_ends_early"]),
    ):
        if roll < share:
            permit = status
            break
        roll -= share

    cut_fraction = draw.uniform(0.1, 0.9)
    margin_days = draw.randint(30, 365)
    if minor:
        fines = [f for f in fines if f.kind != FineKind.TRAFFIC]
        records, permit = [], WorkPermitStatus.NONE
    return SimulatedProfile(
        civil_id=civil_id,
        minor=minor,
        insurance=insurance,
        fines=tuple(fines),
        court_records=tuple(records),
        work_permit=permit,
        cut_fraction=cut_fraction,
        margin_days=margin_days,
    )


def find_civil_id(
    birth_date: dt.date,
    wanted: Callable[[SimulatedProfile], bool],
    start_serial: int = 1,
) -> str:
    """The first valid civil ID for this birth date, from ``start_serial`` on, whose simulated
    profile is ``wanted`` — so demo data and tests can pick people with known traits."""
    for serial in range(start_serial, 10_000):
        civil_id = make_civil_id(birth_date, serial)
        if int(civil_id[7:11]) != serial:
            continue  # no valid check digit for this serial; make_civil_id skipped ahead
        if wanted(profile_for(civil_id)):
            return civil_id
    raise LookupError(f"no civil ID born {birth_date} from serial {start_serial} fits")


def _reference(prefix: str, subject: Subject) -> str:
    key = _digest(subject.civil_id, str(subject.period_start), str(subject.period_end))
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
    employer = subject.employer_file_number or f"MPA-{_digest(subject.civil_id).hex()[:6]}"
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
    key = _digest(subject.civil_id, str(subject.period_start), str(months), reference)
    return ReportAck(reference=f"MOH-C-{key.hex()[:12].upper()}")


def fines_reported(subject: Subject, fine_references: tuple[str, ...], reference: str) -> ReportAck:
    """The Ministry of Interior takes paid fines: only fines it holds against the person."""
    known = {f.reference for f in profile_for(subject.civil_id).fines}
    if not fine_references or not reference or not set(fine_references) <= known:
        raise ValueError("unknown fines, or no reference")
    key = _digest(subject.civil_id, ",".join(sorted(fine_references)), reference)
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
