"""The simulated Manpower Authority's establishment files: what it holds on an employer, drawn
from the file number alone, and who signs for it, drawn from the file number and the civil ID.

Like the people's profiles (``profiles.py``), every answer is a pure function of its inputs, so
the same file always has the same commercial registration, names and status, and demo data and
tests can pick files by trait (``find_file_number``). About 10% of file numbers are unknown to
the Authority; of those it knows, 5% are suspended and 3% cancelled; a quarter of the civil IDs
asked about sign for a given establishment.
"""

from __future__ import annotations

from collections.abc import Callable

from core.agencies.base import EstablishmentFacts, EstablishmentQuery, EstablishmentStatus
from core.agencies.profiles import digest

SHARES = {"unknown": 0.10, "suspended": 0.05, "cancelled": 0.03, "signatory": 0.25}

NAMES = (
    ("Al Noor", "النور"),
    ("Gulf Star", "نجمة الخليج"),
    ("Al Safat", "الصفاة"),
    ("Boubyan", "بوبيان"),
    ("Al Rai", "الري"),
    ("Failaka", "فيلكا"),
    ("Al Jahra", "الجهراء"),
    ("Sharq", "شرق"),
)
TRADES = (
    ("General Trading & Contracting", "للتجارة العامة والمقاولات"),
    ("Catering", "للتموين"),
    ("Logistics", "للخدمات اللوجستية"),
    ("Cleaning Services", "لخدمات التنظيف"),
    ("Engineering Consultants", "للاستشارات الهندسية"),
)


def _share(value: int) -> float:
    return value / 256


def establishment_facts(query: EstablishmentQuery) -> EstablishmentFacts:
    """What the simulated Authority answers about a file and the person asking."""
    file_number = query.file_number.strip().upper()
    drawn = digest("establishment", file_number)
    reference = f"PAM-E-{digest('establishment-ref', file_number).hex()[:12].upper()}"
    if _share(drawn[0]) < SHARES["unknown"]:
        return EstablishmentFacts(found=False, file_number=file_number, reference=reference)
    name_en, name_ar = NAMES[drawn[1] % len(NAMES)]
    trade_en, trade_ar = TRADES[drawn[2] % len(TRADES)]
    roll = _share(drawn[3])
    if roll < SHARES["suspended"]:
        status = EstablishmentStatus.SUSPENDED
    elif roll < SHARES["suspended"] + SHARES["cancelled"]:
        status = EstablishmentStatus.CANCELLED
    else:
        status = EstablishmentStatus.ACTIVE
    signs = _share(digest("signatory", file_number, query.signatory_civil_id)[0])
    return EstablishmentFacts(
        found=True,
        file_number=file_number,
        commercial_registration=str(100000 + int.from_bytes(drawn[4:8]) % 900000),
        name_en=f"{name_en} {trade_en} Co.",
        name_ar=f"شركة {name_ar} {trade_ar}",
        status=status,
        signatory=signs < SHARES["signatory"],
        reference=reference,
    )


def find_file_number(
    civil_id: str, wanted: Callable[[EstablishmentFacts], bool], *, start: int = 1
) -> tuple[str, EstablishmentFacts]:
    """The first file number ``MPA-<n>`` from ``start`` on whose facts, asked by ``civil_id``,
    are ``wanted`` (an active establishment this person signs for, one they do not, …)."""
    for n in range(start, start + 100_000):
        file_number = f"MPA-{n}"
        facts = establishment_facts(EstablishmentQuery(file_number, civil_id))
        if wanted(facts):
            return file_number, facts
    raise LookupError("no simulated establishment fits")


def signs_for_active(facts: EstablishmentFacts) -> bool:
    """An active establishment the person asked about signs for: one they may register."""
    return facts.found and facts.status == EstablishmentStatus.ACTIVE and facts.signatory
