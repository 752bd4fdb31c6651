"""A request's id follows it: into the log lines, the events it records and the checks it
creates (whose worker logs and events carry it again)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from strawberry.relay import to_base64

from core.applications.checks import check_run
from core.applications.models import AgencyCheck, ApplicationEvent
from core.request_id import request_id_set
from tests.support.application_events import token_for
from tests.support.applications import create

pytestmark = pytest.mark.django_db(transaction=True)
SUBMIT = """mutation($id: ID!) {
  submitApplication(applicationId: $id) { application { state } errors { code } } }"""


def test_the_request_id_reaches_events_checks_and_the_workers_events(household, caplog):
    h = household
    app = create(h, h["wife"])
    client = Client(headers={"Authorization": f"Bearer {token_for(h['user'])}"})
    caplog.set_level(logging.INFO, logger="iqama.requests")
    response = client.post(
        "/graphql/",
        json.dumps({"query": SUBMIT, "variables": {"id": to_base64("RenewalApplication", app.pk)}}),
        "application/json",
        headers={"X-Request-ID": "req-0123456789"},
    )
    assert response["X-Request-ID"] == "req-0123456789"
    assert response.json()["data"]["submitApplication"]["errors"] == []
    line = next(r for r in caplog.records if r.name == "iqama.requests")
    assert (line.request_id, line.status, line.method) == ("req-0123456789", 200, "POST")

    submitted = ApplicationEvent.objects.filter(application=app).exclude(to_state="draft")
    assert {e.request_id for e in submitted} == {"req-0123456789"}
    checks = AgencyCheck.objects.filter(item__application=app)
    assert checks.count() == 3
    assert {c.request_id for c in checks} == {"req-0123456789"}

    check = checks.first()
    with request_id_set("-"):  # a worker: its own requests are not the submission's
        assert check_run(check_id=check.pk) in {"clear", "review", "blocked"}
    by_worker = ApplicationEvent.objects.filter(kind="check", detail__check_id=check.pk)
    assert by_worker.count() == 2  # claimed (running), then its answer
    assert {e.request_id for e in by_worker} == {"req-0123456789"}
    assert check_run(check_id=check.pk) == "skipped"  # settled once
