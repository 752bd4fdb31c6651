"""The simulated agencies' people: what each of them holds about one person, drawn from the
civil ID alone.

A profile is drawn from a generator seeded with the SHA-256 of the civil ID, so the same person
always has the same fines, court records and cover, and demo data and tests can pick people by
trait (``find_civil_id``). ``core.agencies.simulator`` answers from these profiles.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.agencies.base import CourtRecord, CourtRecordKind, Fine, FineKind
from core.civil_id import make_civil_id, parse_civil_id

ADULT_AGE = 18

# The share of people with each trait. Draws are independent, so traits combine.
SHARES = {
    "insurance_partial": 0.12,
    "insurance_none": 0.13,
    "traffic_fines": 0.25,
    "open_case": 0.04,
    "judgment": 0.02,
    "travel_ban": 0.02,
    "enforcement_order": 0.015,
    "deportation_order": 0.005,
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
    CourtRecordKind.DEPORTATION_ORDER: (
        "Deportation ordered in a criminal judgment",
        "إبعاد بموجب حكم جزائي",
    ),
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
    def has_deportation_order(self) -> bool:
        return CourtRecordKind.DEPORTATION_ORDER in self.court_kinds

    def court_records_only(self, *kinds: CourtRecordKind) -> bool:
        """Court records, all of these kinds (what the law makes of them is ``core.law``'s)."""
        return bool(self.court_kinds) and self.court_kinds <= set(kinds)

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


def digest(*parts: str) -> bytes:
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
    draw = random.Random(int.from_bytes(digest(civil_id)))

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
