"""``/metrics``: Prometheus text read from the database at each scrape, behind a token."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.support.applications import give_profile, run_all, submit

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731


def samples(text: str) -> dict[tuple, float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_are_not_public(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "scrape-" + "x" * 30
    assert Client().get("/metrics").status_code == 404
    wrong = Client().get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404


def test_the_figures_come_from_the_database(settings, household):
    settings.METRICS_TOKEN = token = "scrape-" + "x" * 30
    h = household
    give_profile(h["wife"], CLEAN)
    app = submit(h, h["wife"])
    run_all(app)
    waiting = submit(h, h["child"])  # its checks due, claimed by no worker yet
    response = Client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    got = samples(response.content.decode())
    assert got[("iqama_applications", (("state", "awaiting_payment"),))] == 1
    assert got[("iqama_agency_checks", (("agency", "health"), ("status", "clear")))] == 1
    latency = ("iqama_agency_check_seconds_count", (("agency", "health"), ("outcome", "clear")))
    assert got[latency] == 1
    assert ("iqama_task_queue_depth", ()) in got
    assert got[("iqama_agency_checks_due", ())] == waiting.items.get().checks.count()
    assert ("iqama_agency_check_oldest_due_seconds", ()) in got
    assert ("iqama_task_oldest_ready_seconds", ()) in got
    assert any(name == "iqama_websocket_connections" for name, _ in got)
