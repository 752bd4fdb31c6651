"""The embedded default (``make run``): no Redis, so the in-memory channel layer, and agency checks
run by a worker thread inside the daphne process (``IQAMA_INPROCESS_WORKER=1``). A real daphne
on the test database (SQLite or PostgreSQL); the sponsor submits over HTTP with a bearer token
and watches over a real websocket."""

from __future__ import annotations

import time

import httpx
import pytest
from strawberry.relay import to_base64

from core import households
from core.applications.models import AgencyCheck, Application, CheckStatus
from core.applications.states import State
from tests.core.applications.workers.conftest import EMBEDDED_LATENCY_MS as LATENCY_MS
from tests.support.applications import give_profile
from tests.support.daphne import DaphneServer

CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731

CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) {
    application { id state } errors { code message } } }"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { id state } errors { code message } } }"""
UPDATED = """subscription($id: ID!) { applicationUpdated(id: $id) { state amountDue sentAt
  event { kind toState agency checkStatus amount detailEn detailAr } } }"""
MINE = "subscription { myApplications { applicationId state event { kind toState } } }"


def graphql(server: DaphneServer, token: str, query: str, variables: dict) -> dict:
    response = httpx.post(
        f"{server.url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_checks_run_inside_daphne_and_their_events_reach_the_subscriber(
    household,
    embedded_daphne,
    ws_client,
):
    h = household
    give_profile(h["wife"], CLEAN)
    token = households.token(h["user"], name="embedded worker test")
    server = embedded_daphne
    sponsor_id = to_base64("Sponsor", h["sponsor"].pk)

    def create(person) -> str:
        people = [{"personId": to_base64("Person", person.pk), "months": 12}]
        payload = graphql(server, token, CREATE, {"sponsor": sponsor_id, "people": people})
        assert payload["createRenewal"]["errors"] == [], payload
        return payload["createRenewal"]["application"]["id"]

    app_id = create(h["wife"])
    ws = ws_client(server)
    ws.init({"authorization": f"Bearer {token}"})
    ws.subscribe("app", UPDATED, {"id": app_id})
    # A probe on a second websocket, subscribed after "app": when another draft's event reaches
    # it, "app" is listening too (each subscription checks access, in order, then joins its
    # group), before anything happens to the application watched.
    probe_ws = ws_client(server)
    probe_ws.init({"authorization": f"Bearer {token}"})
    probe_ws.subscribe("mine", MINE)
    probe_id = create(h["child"])
    probe = probe_ws.next_payload("mine", timeout=10)["data"]["myApplications"]
    assert (probe["applicationId"], probe["event"]["toState"]) == (probe_id, "DRAFT")

    submitted_at = time.monotonic()
    submitted = graphql(server, token, SUBMIT, {"id": app_id})["submitApplication"]
    assert submitted["errors"] == [] and submitted["application"]["state"] == "CHECKING"

    updates: list[tuple[float, dict]] = []  # (seconds after submitting, update)
    deadline = time.monotonic() + 20
    while not updates or updates[-1][1]["event"]["toState"] != "AWAITING_PAYMENT":
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no AWAITING_PAYMENT within 20 s; got {[u for _, u in updates]}")
        message = ws.receive(timeout=remaining)
        assert message.get("id") == "app" and message["type"] == "next", message
        updates.append(
            (time.monotonic() - submitted_at, message["payload"]["data"]["applicationUpdated"])
        )

    events = [
        (
            u["event"]["kind"].lower(),
            u["event"]["toState"] or u["event"]["agency"],
            u["event"]["checkStatus"],
        )
        for _, u in updates
    ]
    transitions = [e[1] for e in events if e[0] == "transition"]
    assert transitions == ["SUBMITTED", "CHECKING", "AWAITING_PAYMENT"]
    check_events = [(e[1], e[2]) for e in events if e[0] == "check"]
    for agency in ("HEALTH", "FINES", "COURTS"):  # each check: claimed, then its answer
        assert [s for a, s in check_events if a == agency] == ["RUNNING", "CLEAR"], events
    final = updates[-1][1]
    application = Application.objects.get(pk=h["wife"].application_items.get().application_id)
    assert application.state == State.AWAITING_PAYMENT
    assert final["state"] == "AWAITING_PAYMENT"
    assert final["amountDue"] == str(application.amount_due)
    assert all(
        c.status == CheckStatus.CLEAR
        for c in AgencyCheck.objects.filter(item__application=application)
    )
    # live: the first check's claim arrived before the last answer (the checks run side by
    # side, each agency answering in 250 ms)
    first_check = next(t for t, u in updates if u["event"]["kind"].lower() == "check")
    assert updates[-1][0] - first_check >= 0.8 * LATENCY_MS / 1000, updates
    log = server.log()
    assert "runs inside this process" in log
    assert "Traceback" not in log and "database is locked" not in log, log
    print(
        f"\nfirst check event {first_check:.2f} s after submitting, AWAITING_PAYMENT "
        f"{updates[-1][0]:.2f} s after ({len(updates)} updates)"
    )
