"""The HTTP adapters against a real server speaking the protocol: the simulator mounted in a
live Django server, and a scripted agency whose requests are counted."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest

from core.agencies import registry, simulator, wire
from core.agencies.base import AgencyUnavailable, CourtRecordKind
from core.agencies.simulator import InsuranceStatus, WorkPermitStatus, find_civil_id
from core.civil_id import make_civil_id
from tests.core.agencies.conftest import QUIET, subject
from tests.core.agencies.urls import scripted

ADULT = dt.date(1979, 11, 23)
URLCONF = "tests.core.agencies.urls"
FAST = {"timeout": 2, "retries": 2, "backoff": 0, "circuit_fail_max": 50}


@pytest.fixture
def server(live_server, settings):
    """The live server with the test URLconf; every agency configured over HTTP against it."""
    settings.ROOT_URLCONF = URLCONF
    settings.AGENCIES = {
        name: {"backend": "http", "url": f"{live_server.url}/sim/agencies/{name}", **FAST}
        for name in registry.AGENCY_NAMES
    }
    scripted.reset()
    yield live_server
    scripted.reset()


def use_scripted(settings, live_server, **config) -> None:
    """Point the health agency at the scripted endpoint."""
    settings.AGENCIES = {
        **settings.AGENCIES,
        "health": {
            "backend": "http",
            "url": f"{live_server.url}/scripted/health",
            **FAST,
            **config,
        },
    }


def interesting_people() -> list[str]:
    wanted = [
        lambda p: p.clear,
        lambda p: p.has_traffic_fines,
        lambda p: p.has_travel_ban,
        lambda p: p.has_deportation_order,
        lambda p: p.court_records_only(CourtRecordKind.JUDGMENT),
        lambda p: p.insurance == InsuranceStatus.PARTIAL,
        lambda p: p.uninsured,
        lambda p: p.work_permit == WorkPermitStatus.OTHER_EMPLOYER,
        lambda p: p.work_permit == WorkPermitStatus.NONE,
    ]
    return [find_civil_id(ADULT, trait) for trait in wanted]


def test_http_answers_equal_the_in_process_simulator(server):
    for civil_id in interesting_people():
        s = subject(civil_id)
        assert registry.health_agency().insurance(s) == simulator.insurance_facts(s)
        assert registry.fines_agency().fines(s) == simulator.fines_facts(s)
        assert registry.courts_agency().records(s) == simulator.court_facts(s)
        assert registry.manpower_agency().work_permit(s) == simulator.work_permit_facts(s)


def test_simulated_outage_is_a_503_and_unavailable(server, settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "outage": ["courts"]}
    s = subject(make_civil_id(ADULT, 5))
    with pytest.raises(AgencyUnavailable, match="503"):
        registry.courts_agency().records(s)
    assert registry.fines_agency().fines(s) == simulator.fines_facts(s)


def test_simulated_failure_rate_one_is_unavailable(server, settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "failure_rate": 1.0}
    with pytest.raises(AgencyUnavailable):
        registry.manpower_agency().work_permit(subject(make_civil_id(ADULT, 5)))


def test_503s_are_retried_until_an_answer(server, settings):
    use_scripted(settings, server, retries=3)
    scripted.reset(failures=2)
    s = subject(make_civil_id(ADULT, 5))
    assert registry.health_agency().insurance(s) == simulator.insurance_facts(s)
    assert scripted.requests == 3


def test_retries_give_up_as_unavailable(server, settings):
    use_scripted(settings, server, retries=2)
    scripted.reset(failures=100, status=502)
    with pytest.raises(AgencyUnavailable, match="502"):
        registry.health_agency().insurance(subject(make_civil_id(ADULT, 5)))
    assert scripted.requests == 3


def test_client_errors_are_not_retried(server, settings):
    use_scripted(settings, server, retries=3)
    scripted.reset(failures=100, status=400)
    with pytest.raises(AgencyUnavailable, match="400"):
        registry.health_agency().insurance(subject(make_civil_id(ADULT, 5)))
    assert scripted.requests == 1


def test_a_malformed_answer_is_unavailable_and_not_retried(server, settings):
    use_scripted(settings, server, retries=3)
    scripted.reset(garbage=True)
    with pytest.raises(AgencyUnavailable, match="malformed"):
        registry.health_agency().insurance(subject(make_civil_id(ADULT, 5)))
    assert scripted.requests == 1


def test_circuit_opens_then_fails_fast_then_recovers(server, settings):
    use_scripted(settings, server, retries=0, circuit_fail_max=3, circuit_reset_seconds=0.3)
    scripted.reset(failures=3)
    s = subject(make_civil_id(ADULT, 5))
    for _ in range(3):
        with pytest.raises(AgencyUnavailable):
            registry.health_agency().insurance(s)
    assert scripted.requests == 3

    for _ in range(5):
        with pytest.raises(AgencyUnavailable, match="circuit open"):
            registry.health_agency().insurance(s)
    assert scripted.requests == 3, "an open circuit must not send requests"

    time.sleep(0.35)
    assert registry.health_agency().insurance(s) == simulator.insurance_facts(s)
    assert scripted.requests == 4


def test_open_circuit_stops_retries_midway(server, settings):
    use_scripted(settings, server, retries=5, circuit_fail_max=2)
    scripted.reset(failures=100)
    with pytest.raises(AgencyUnavailable, match="circuit"):
        registry.health_agency().insurance(subject(make_civil_id(ADULT, 5)))
    assert scripted.requests == 2


def test_circuits_are_per_agency(server, settings):
    use_scripted(settings, server, retries=0, circuit_fail_max=1)
    scripted.reset(failures=100)
    s = subject(make_civil_id(ADULT, 5))
    with pytest.raises(AgencyUnavailable):
        registry.health_agency().insurance(s)
    with pytest.raises(AgencyUnavailable, match="circuit open"):
        registry.health_agency().insurance(s)
    assert registry.fines_agency().fines(s) == simulator.fines_facts(s)


def test_timeouts_are_honoured_and_retried(server, settings):
    use_scripted(settings, server, timeout=0.2, retries=1)
    scripted.reset(delay=1.5)
    started = time.monotonic()
    with pytest.raises(AgencyUnavailable, match="Timeout"):
        registry.health_agency().insurance(subject(make_civil_id(ADULT, 5)))
    assert time.monotonic() - started < 1.2
    assert scripted.requests == 2


def test_unreachable_agency_is_unavailable(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.AGENCIES = {"fines": {"backend": "http", "url": f"http://127.0.0.1:{port}", **FAST}}
    with pytest.raises(AgencyUnavailable, match="ConnectError"):
        registry.fines_agency().fines(subject(make_civil_id(ADULT, 5)))


def test_simulator_server_rejects_bad_requests(client, settings):
    settings.ROOT_URLCONF = URLCONF
    url = "/sim/agencies/health/insurance"
    good = wire.subject_to_json(subject(make_civil_id(ADULT, 5)))
    assert client.post(url, good, content_type="application/json").status_code == 200
    assert client.get(url).status_code == 405
    for body in ("not json", {"civil_id": "123"}, good | {"civil_id": "999999999999"}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"] == "bad_request"
