"""Once paid, the agencies are told: the health cover bought (Ministry of Health) and the fines
paid (Ministry of Interior), through their adapters — in-process simulator and HTTP client
alike — from an outbox that survives an agency outage."""

from __future__ import annotations

import datetime as dt

import pytest

from core.agencies import registry, simulator
from core.agencies.base import AgencyUnavailable, ReportAck
from core.agencies.http import reset_breakers
from core.agencies.simulator import find_civil_id, profile_for
from core.applications.states import State
from payments.models import AgencyReport, Payment, PaymentStatus, ReportStatus
from payments.reconcile import payments_reconcile
from tests.core.agencies.conftest import subject
from tests.payments.conftest import START, app_id, awaiting_payment

ADULT = dt.date(1984, 6, 12)
FINED_UNINSURED = lambda p: p.uninsured and p.has_fines and not p.court_records  # noqa: E731
FAST = {"timeout": 2, "retries": 0, "backoff": 0, "circuit_fail_max": 50}


@pytest.fixture(autouse=True)
def fresh_breakers():
    reset_breakers()
    yield
    reset_breakers()


def test_the_simulator_takes_reports_with_a_stable_reference():
    fined = find_civil_id(ADULT, lambda p: p.has_fines)
    s = subject(fined)
    references = tuple(f.reference for f in profile_for(fined).fines)
    ack = simulator.SimulatedFinesAgency().report_paid(s, references, "R-2026-000001")
    assert ack == simulator.fines_reported(s, references, "R-2026-000001")
    assert ack.reference.startswith("MOI-P-")
    cover = simulator.SimulatedHealthAgency().report_cover(s, 12, "R-2026-000001")
    assert cover.reference.startswith("MOH-C-")
    assert cover == simulator.SimulatedHealthAgency().report_cover(s, 12, "R-2026-000001")
    with pytest.raises(ValueError):
        simulator.fines_reported(s, ("MOI-T-NOT-HIS",), "R-2026-000001")


@pytest.mark.django_db(transaction=True)
def test_the_http_adapters_report_like_the_simulator(live_server, settings):
    settings.ROOT_URLCONF = "tests.payments.urls"
    settings.AGENCIES = {
        name: {"backend": "http", "url": f"{live_server.url}/sim/agencies/{name}", **FAST}
        for name in ("health", "fines")
    }
    fined = find_civil_id(ADULT, lambda p: p.has_fines)
    s = subject(fined)
    references = tuple(f.reference for f in profile_for(fined).fines)

    ack = registry.fines_agency().report_paid(s, references, "R-2026-000002")
    cover = registry.health_agency().report_cover(s, 6, "R-2026-000002")

    assert ack == simulator.fines_reported(s, references, "R-2026-000002")
    assert cover == simulator.cover_reported(s, 6, "R-2026-000002")
    assert isinstance(ack, ReportAck)
    with pytest.raises(AgencyUnavailable, match="400"):
        registry.fines_agency().report_paid(s, ("MOI-T-NOT-HIS",), "R-2026-000002")
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": ["health"]}
    with pytest.raises(AgencyUnavailable, match="503"):
        registry.health_agency().report_cover(s, 6, "R-2026-000002")


@pytest.mark.django_db(transaction=True)
def test_paid_cover_and_fines_are_reported_even_after_an_outage(
    sandbox, gql, household, payer, settings
):
    h = household
    app = awaiting_payment(h, h["wife"], profile=FINED_UNINSURED)
    fines = [f.reference for f in profile_for(h["wife"].civil_id).fines]
    settings.AGENCIES = {
        name: {"backend": "http", "url": f"{sandbox.url}/sim/agencies/{name}", **FAST}
        for name in ("health", "fines")
    }
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": ["health"]}
    gql.login(h["user"])
    started = gql(START, {"id": app_id(app), "key": "pay-key-reports"})["data"]["startPayment"]

    payer.press(started["redirectUrl"], "approve")

    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert payment.status == PaymentStatus.CAPTURED
    app.refresh_from_db()
    assert app.state == State.ISSUED  # an agency outage never holds up the permits
    reports = {r.agency: r for r in AgencyReport.objects.filter(payment=payment)}
    assert reports["health"].months == 12
    assert reports["fines"].fine_references == fines
    assert {r.reference for r in reports.values()} == {payment.receipt.number}

    done = payments_reconcile()  # health is down: fines go, health waits
    assert done.reports == 1
    health = AgencyReport.objects.get(agency="health")
    assert health.status == ReportStatus.PENDING and "503" in health.last_error
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": []}
    assert payments_reconcile().reports == 1
    for report in AgencyReport.objects.all():
        assert report.status == ReportStatus.DELIVERED and report.agency_reference
    assert AgencyReport.objects.get(agency="health").attempts == 2
