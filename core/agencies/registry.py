"""Which implementation answers for each agency: ``settings.AGENCIES``, read at every call.

The renewal code asks here and never imports an adapter, so a deployment switches an agency
from the simulator to its real service by configuration alone. An agency missing from
``AGENCIES`` (or no ``AGENCIES`` at all) is simulated.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.agencies import simulator
from core.agencies.base import (
    CourtFacts,
    CourtsAgency,
    EstablishmentFacts,
    EstablishmentQuery,
    FinesAgency,
    FinesFacts,
    HealthInsuranceAgency,
    InsuranceFacts,
    ManpowerAgency,
    Subject,
    WorkPermitFacts,
)
from core.agencies.http import HTTP_ADAPTERS, HttpAgencyClient, HttpAgencyConfig

AGENCY_NAMES = simulator.AGENCY_NAMES
Facts = InsuranceFacts | FinesFacts | CourtFacts | WorkPermitFacts

SIMULATORS: dict[str, Any] = {
    "health": simulator.SimulatedHealthAgency,
    "fines": simulator.SimulatedFinesAgency,
    "courts": simulator.SimulatedCourtsAgency,
    "manpower": simulator.SimulatedManpowerAgency,
}


@functools.lru_cache(maxsize=32)
def _http_adapter(agency: str, config: HttpAgencyConfig) -> HttpAgencyClient:
    """One adapter (and so one connection pool) per agency and configuration."""
    return HTTP_ADAPTERS[agency](config)


def agency(name: str) -> Any:
    """The configured implementation of one agency, by its name in ``AGENCY_NAMES``."""
    if name not in AGENCY_NAMES:
        raise ValueError(f"unknown agency {name!r}")
    raw = dict(getattr(settings, "AGENCIES", {}).get(name, {}))
    backend = raw.get("backend", "simulator")
    if backend == "simulator":
        return SIMULATORS[name]()
    if backend == "http":
        return _http_adapter(name, HttpAgencyConfig.from_settings(name, raw))
    raise ImproperlyConfigured(f"AGENCIES[{name!r}]: backend must be 'simulator' or 'http'")


def health_agency() -> HealthInsuranceAgency:
    return agency("health")


def fines_agency() -> FinesAgency:
    return agency("fines")


def courts_agency() -> CourtsAgency:
    return agency("courts")


def manpower_agency() -> ManpowerAgency:
    return agency("manpower")


_in_flight_lock = threading.Lock()
_in_flight: dict[str, threading.BoundedSemaphore] = {}


def calls_allowed(name: str) -> threading.BoundedSemaphore:
    """How many calls to one agency this process may have in flight at once
    (``settings.AGENCY_CONCURRENCY``: a number for every agency, or per agency by name), so
    that a worker with many threads does not flood an agency that answers slowly."""
    with _in_flight_lock:
        if name not in _in_flight:
            limit = settings.AGENCY_CONCURRENCY
            if isinstance(limit, dict):
                limit = limit.get(name, limit.get("default", 8))
            _in_flight[name] = threading.BoundedSemaphore(max(1, int(limit)))
        return _in_flight[name]


def ask(name: str, subject: Subject) -> Facts:
    """One agency's facts about a subject, by agency name — for code that loops over the
    names of ``eligibility.agencies_for``. Raises AgencyUnavailable like the adapters. Waits
    while the agency has as many calls in flight from this process as it may
    (``calls_allowed``)."""
    with calls_allowed(name):
        return _ask(name, subject)


def establishment(query: EstablishmentQuery) -> EstablishmentFacts:
    """The Manpower Authority's file on an establishment (a company registering); raises
    AgencyUnavailable like the adapters."""
    with calls_allowed("manpower"):
        return manpower_agency().establishment(query)


def _ask(name: str, subject: Subject) -> Facts:
    if name == "health":
        return health_agency().insurance(subject)
    if name == "fines":
        return fines_agency().fines(subject)
    if name == "courts":
        return courts_agency().records(subject)
    if name == "manpower":
        return manpower_agency().work_permit(subject)
    raise ValueError(f"unknown agency {name!r}")
