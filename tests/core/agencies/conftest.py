"""Agency tests run with a quiet simulator (no latency, no failures, a fixed seed) and fresh
circuit breakers, so one test's tripped circuit never leaks into the next."""

from __future__ import annotations

import datetime as dt

import pytest

from core.agencies.base import Subject
from core.agencies.http import reset_breakers
from core.civil_id import parse_civil_id

QUIET = {"latency_ms": [0, 0], "failure_rate": 0.0, "outage": [], "seed": 1959}


@pytest.fixture(autouse=True)
def quiet_simulator(settings):
    settings.AGENCY_SIMULATOR = dict(QUIET)
    reset_breakers()
    yield settings
    reset_breakers()


def subject(
    civil_id: str,
    *,
    start: dt.date = dt.date(2026, 3, 1),
    end: dt.date = dt.date(2027, 3, 1),
    employer: str | None = "MPA-1001",
) -> Subject:
    return Subject(
        civil_id=civil_id,
        name_en="Test Person",
        nationality="IND",
        date_of_birth=parse_civil_id(civil_id).birth_date,
        period_start=start,
        period_end=end,
        sponsor_civil_id=None,
        employer_file_number=employer,
    )
