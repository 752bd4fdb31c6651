"""The Kuwaiti civil ID number (الرقم المدني) issued by PACI.

Twelve digits: a century digit (2 = 1900s, 3 = 2000s), the holder's birth date as YYMMDD, a
four-digit serial, and a weighted modulus-11 check digit. A number whose check digit would be 10
or 11 is never issued, so it is invalid.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

WEIGHTS = (2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CENTURIES = {"1": 1800, "2": 1900, "3": 2000}


class InvalidCivilId(ValueError):
    """The number is not a civil ID PACI could have issued."""


@dataclass(frozen=True)
class CivilId:
    number: str
    birth_date: dt.date
    serial: str


def check_digit(first_eleven: str) -> int | None:
    """The check digit for the first eleven digits, or None where no valid one exists."""
    digit = 11 - sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS, strict=True)) % 11
    return digit if digit < 10 else None


def normalize_digits(value: str) -> str:
    """Digits of any script (Arabic-Indic ٢٧٠, Persian ۲۷۰, full-width ２７０…) as ASCII, the
    rest unchanged, surrounding space removed: ``2٧٠٠١٠٩٣٤٠١٨`` and ``270010934018`` are one
    number, so one person. Everything that takes a civil ID in normalizes it with this first."""
    return "".join(
        str(digit) if (digit := unicodedata.decimal(c, None)) is not None else c
        for c in (value or "").strip()
    )


def parse_civil_id(value: str) -> CivilId:
    number = normalize_digits(value)
    if len(number) != 12 or not (number.isascii() and number.isdigit()):
        raise InvalidCivilId("A civil ID has exactly 12 digits.")
    century = CENTURIES.get(number[0])
    if century is None:
        raise InvalidCivilId("The first digit of a civil ID gives the century (1, 2 or 3).")
    try:
        birth_date = dt.date(century + int(number[1:3]), int(number[3:5]), int(number[5:7]))
    except ValueError as exc:
        raise InvalidCivilId("The civil ID does not encode a real birth date.") from exc
    if check_digit(number[:11]) != int(number[11]):
        raise InvalidCivilId("The civil ID's check digit is wrong.")
    return CivilId(number=number, birth_date=birth_date, serial=number[7:11])


def make_civil_id(birth_date: dt.date, serial: int) -> str:
    """A valid civil ID for a birth date, trying serials from ``serial`` on (demo data, tests)."""
    century = {v: k for k, v in CENTURIES.items()}[birth_date.year // 100 * 100]
    for candidate in range(serial, serial + 10_000):
        head = f"{century}{birth_date:%y%m%d}{candidate % 10_000:04d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"
    raise ValueError("no valid serial")  # pragma: no cover - every 11 serials hold a valid one
