"""Agency adapters over HTTP, speaking the JSON protocol of docs/agencies.md.

Agencies are slow and sometimes down. Each call has a timeout; timeouts, connection errors,
429 and 5xx are retried with exponential backoff and jitter (tenacity); each agency has one
circuit breaker per process (pybreaker), so while it is down calls fail at once instead of
piling onto it. Every failure reaches the caller as AgencyUnavailable: retry later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pybreaker
from django.core.exceptions import ImproperlyConfigured
from tenacity import (
    Retrying,
    before_sleep_log,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from core.agencies import wire
from core.agencies.base import (
    AgencyUnavailable,
    CourtFacts,
    EstablishmentFacts,
    EstablishmentQuery,
    FinesFacts,
    InsuranceFacts,
    ReportAck,
    Subject,
    WorkPermitFacts,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class HttpAgencyConfig:
    """One agency's entry in ``settings.AGENCIES`` (backend "http"). ``retries`` counts the
    attempts after the first; ``backoff`` is the first wait and the jitter, in seconds."""

    url: str
    timeout: float = 5.0
    retries: int = 3
    backoff: float = 0.2
    backoff_max: float = 2.0
    circuit_fail_max: int = 5
    circuit_reset_seconds: float = 30.0

    @classmethod
    def from_settings(cls, agency: str, raw: dict[str, Any]) -> HttpAgencyConfig:
        if not raw.get("url"):
            raise ImproperlyConfigured(f"AGENCIES[{agency!r}] uses backend 'http' but has no url")
        known = set(cls.__dataclass_fields__)
        extra = set(raw) - known - {"backend"}
        if extra:
            raise ImproperlyConfigured(f"AGENCIES[{agency!r}] has unknown keys {sorted(extra)}")
        return cls(**{key: value for key, value in raw.items() if key in known})


class _Retryable(Exception):
    """The agency may answer if asked again: timeout, network error, 429, 5xx."""


class _Refused(Exception):
    """Asking again will not help and the agency is not at fault (4xx, a bad URL)."""


class _Broken(Exception):
    """The agency answered 200 with something that is not the protocol."""


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(agency: str, config: HttpAgencyConfig) -> pybreaker.CircuitBreaker:
    """The agency's circuit breaker: one per agency and process, whatever the adapter object."""
    with _breakers_lock:
        breaker = _breakers.get(agency)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=config.circuit_fail_max,
                reset_timeout=config.circuit_reset_seconds,
                exclude=[_Refused],
                name=f"agency:{agency}",
            )
            _breakers[agency] = breaker
        else:
            breaker.fail_max = config.circuit_fail_max
            breaker.reset_timeout = config.circuit_reset_seconds
        return breaker


def reset_breakers() -> None:
    """Forget every breaker's state (tests; an operator after fixing an agency's address)."""
    with _breakers_lock:
        _breakers.clear()


class HttpAgencyClient:
    """What the four adapters share: POST the subject, decode the facts, survive the agency."""

    agency: str = ""

    def __init__(self, config: HttpAgencyConfig, client: httpx.Client | None = None):
        self.config = config
        self.url = f"{config.url.rstrip('/')}/{wire.OPERATIONS[self.agency]}"
        self._client = client or httpx.Client(
            headers={"Accept": "application/json", "User-Agent": "iqama-agency-client"}
        )

    def ask(self, subject: Subject, decode: Callable[[Any], T]) -> T:
        return self.call(self.url, wire.subject_to_json(subject), decode)

    def question(self, name: str, payload: dict[str, Any], decode: Callable[[Any], T]) -> T:
        """POST one of the agency's other questions (``wire.QUESTIONS``)."""
        agency, path = wire.QUESTIONS[name]
        assert agency == self.agency, f"{name} is a question for {agency}"
        return self.call(f"{self.config.url.rstrip('/')}/{path}", payload, decode)

    def report(self, payload: dict[str, Any]) -> ReportAck:
        """POST one of our reports (``wire.REPORTS``); safe to retry, it carries our reference."""
        url = f"{self.config.url.rstrip('/')}/{wire.REPORTS[self.agency]}"
        return self.call(url, payload, wire.ack_from_json)

    def call(self, url: str, payload: dict[str, Any], decode: Callable[[Any], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.config.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.config.backoff,
                max=self.config.backoff_max,
                jitter=self.config.backoff,
            ),
            retry=retry_if_exception_type(_Retryable),
            before_sleep=before_sleep_log(logger, logging.WARNING),
            reraise=True,
        )
        breaker = breaker_for(self.agency, self.config)
        try:
            return retrying(breaker.call, self._attempt, url, payload, decode)
        except pybreaker.CircuitBreakerError as exc:
            logger.warning("agency %s: circuit open, not calling %s", self.agency, url)
            raise AgencyUnavailable(f"{self.agency}: circuit open ({exc})") from exc
        except (_Retryable, _Refused, _Broken) as exc:
            raise AgencyUnavailable(f"{self.agency}: {exc}") from exc

    def _attempt(self, url: str, payload: dict[str, Any], decode: Callable[[Any], T]) -> T:
        try:
            response = self._client.post(url, json=payload, timeout=self.config.timeout)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retryable(f"{type(exc).__name__} calling {url}") from exc
        except httpx.HTTPError as exc:
            raise _Refused(f"{type(exc).__name__} calling {url}: {exc}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise _Retryable(f"HTTP {status} from {url}")
        if status != 200:
            raise _Refused(f"HTTP {status} from {url}: {response.text[:200]}")
        try:
            return decode(response.json())
        except (ValueError, wire.MalformedPayload) as exc:
            raise _Broken(f"malformed answer from {url}: {exc}") from exc

    def close(self) -> None:
        self._client.close()


class HttpHealthAgency(HttpAgencyClient):
    agency = "health"

    def insurance(self, subject: Subject) -> InsuranceFacts:
        return self.ask(subject, wire.insurance_from_json)

    def report_cover(self, subject: Subject, months: int, reference: str) -> ReportAck:
        return self.report(wire.cover_report_to_json(subject, months, reference))


class HttpFinesAgency(HttpAgencyClient):
    agency = "fines"

    def fines(self, subject: Subject) -> FinesFacts:
        return self.ask(subject, wire.fines_from_json)

    def report_paid(self, subject: Subject, fine_references, reference: str) -> ReportAck:
        return self.report(wire.fines_report_to_json(subject, tuple(fine_references), reference))


class HttpCourtsAgency(HttpAgencyClient):
    agency = "courts"

    def records(self, subject: Subject) -> CourtFacts:
        return self.ask(subject, wire.courts_from_json)


class HttpManpowerAgency(HttpAgencyClient):
    agency = "manpower"

    def work_permit(self, subject: Subject) -> WorkPermitFacts:
        return self.ask(subject, wire.work_permit_from_json)

    def establishment(self, query: EstablishmentQuery) -> EstablishmentFacts:
        payload = wire.establishment_query_to_json(query)
        return self.question("establishment", payload, wire.establishment_from_json)


HTTP_ADAPTERS: dict[str, type[HttpAgencyClient]] = {
    cls.agency: cls
    for cls in (HttpHealthAgency, HttpFinesAgency, HttpCourtsAgency, HttpManpowerAgency)
}
