"""Which implementation answers for each agency: ``settings.AGENCIES``, read at every call.

The renewal code asks here and never imports an adapter, so a deployment switches an agency
from the simulator to its real service by configuration alone. An agency missing from
``AGENCIES`` (or no ``AGENCIES`` at all) is simulated.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.agencies import simulator
from core.agencies.base import (
    CourtFacts,
    CourtsAgency,
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


def ask(name: str, subject: Subject) -> Facts:
    """One agency's facts about a subject, by agency name — for code that loops over the
    names of ``eligibility.agencies_for``. Raises AgencyUnavailable like the adapters."""
    if name == "health":
        return health_agency().insurance(subject)
    if name == "fines":
        return fines_agency().fines(subject)
    if name == "courts":
        return courts_agency().records(subject)
    if name == "manpower":
        return manpower_agency().work_permit(subject)
    raise ValueError(f"unknown agency {name!r}")
