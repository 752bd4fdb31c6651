"""Renewal-application events on the websocket, end to end with real parts: daphne processes
sharing Redis, mutations over HTTP, the ``websockets`` library as the client.

What the subscriptions promise (``schema/applications/subscriptions.py``,
``realtime/broadcast.py``) about delivery:

* every transition of an application is sent, after its commit, to ``applicationUpdated(id)`` and
  to ``myApplications`` of its sponsor, on whichever daphne process the subscriber is connected
  to, in the order of the commits;
* ``state`` is the state the event describes (a submit's SUBMITTED event says SUBMITTED, its
  CHECKING event CHECKING, though they commit together); ``event.toState`` is the transition;
* a client that was away resumes from its last cursor (``tests/realtime/test_resume.py``).

Submitting enqueues the agency checks as django-tasks jobs; no worker runs here, so they stay in
the database and the only events are the transitions.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import httpx
import pytest
from django.db import transaction
from strawberry.relay import from_base64, to_base64

from core.applications.models import Application
from core.applications.services import (
    application_cancel,
    application_submit,
    application_transition,
)
from core.applications.states import State
from realtime.groups import application_group, sponsor_applications_group
from tests.support.application_events import (
    APPLICATION_UPDATED,
    MY_APPLICATIONS,
    app_gid,
    assert_timely,
    collect,
    draft,
    mark,
    shown,
    token_for,
    transitions,
    written,
    written_states,
)

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the in-memory channel layer cannot carry events between processes",
    ),
]

CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) {
    application { id state } errors { field code } } }"""
SUBMIT = """mutation($id: ID!) {
  submitApplication(applicationId: $id) { application { id state } errors { field code } } }"""
CANCEL = """mutation($id: ID!) {
  cancelRenewal(applicationId: $id) { application { id state } errors { field code } } }"""
NODE = """query($id: ID!) {
  node(id: $id) { ... on RenewalApplication { id state amountDue history { kind toState } } } }"""

# The transitions of a submit then a cancel; other events (documents, checks) may come between.
SUBMIT_AND_CANCEL = [("DRAFT", "SUBMITTED"), ("SUBMITTED", "CHECKING"), ("CHECKING", "CANCELLED")]


def graphql(server, token: str, query: str, variables: dict) -> dict:
    """A GraphQL request over HTTP to one daphne process, as the token's user."""
    response = httpx.post(
        f"{server.url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def mutate(server, token: str, query: str, variables: dict) -> dict:
    """A renewal mutation's payload; fails on payload errors."""
    (payload,) = graphql(server, token, query, variables).values()
    assert payload["errors"] == [], payload
    return payload["application"]


def wait_until_empty(channel_groups, group: str, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while (found := channel_groups.members(group)) > 0:
        if time.monotonic() > deadline:
            pytest.fail(f"group {group!r} still has {found} member(s) after {timeout} s")
        time.sleep(0.02)


def test_mutations_on_one_daphne_reach_subscribers_on_another_in_order(
    daphne_server, ws_client, channel_groups, household
):
    h = household
    a, b = daphne_server(), daphne_server()
    token = token_for(h["user"])

    client = ws_client(b)
    client.init({"authorization": f"Bearer {token}"})
    client.subscribe("mine", MY_APPLICATIONS)
    channel_groups.wait_for_members(sponsor_applications_group(h["sponsor"].pk))

    started = time.time()
    created = mutate(
        a,
        token,
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": [
                {"personId": to_base64("Person", p.pk), "months": 12}
                for p in (h["wife"], h["maid"])
            ],
        },
    )
    assert created["state"] == "DRAFT"
    app_id = created["id"]
    pk = int(from_base64(app_id)[1])

    made = collect(client, {"mine": len(written(pk))})["mine"]
    assert shown(made) == written(pk)
    assert transitions(shown(made)) == [(None, "DRAFT")]
    assert {(u["applicationId"], u["state"], u["amountDue"]) for u in made} == {
        (app_id, "DRAFT", None)
    }
    assert_timely(made, started)

    client.subscribe("app", APPLICATION_UPDATED, {"id": app_id})
    channel_groups.wait_for_members(application_group(pk))
    assert channel_groups.members(application_group(pk)) == 1

    started, before = time.time(), mark(pk)
    submitted = mutate(a, token, SUBMIT, {"id": app_id})["state"]
    assert submitted == "CHECKING"
    assert mutate(a, token, CANCEL, {"id": app_id})["state"] == "CANCELLED"
    expected = written(pk, before)
    assert transitions(expected) == SUBMIT_AND_CANCEL  # no worker runs: no check moved it on

    got = collect(client, {"app": len(expected), "mine": len(expected)})
    for op, updates in got.items():
        # All of them, once each, in the order of their commits.
        assert shown(updates) == expected, op
        # `state` is the state each event describes (a submit commits SUBMITTED, its documents
        # step and CHECKING together; each says its own), never the state at sending time.
        states = [u["state"] for u in updates]
        assert states == written_states(pk)[-len(expected) :], op
        assert states[0] == "SUBMITTED" and states[-1] == "CANCELLED", states
        assert {(u["applicationId"], u["amountDue"]) for u in updates} == {(app_id, None)}, op
        assert_timely(updates, started)
    client.assert_silent(1.0)  # no duplicates, nothing else

    assert Application.objects.get(pk=pk).state == State.CANCELLED


def test_a_client_that_reconnects_requeries_what_it_missed(
    daphne_server, ws_client, channel_groups, household
):
    h = household
    a, b = daphne_server(), daphne_server()
    token = token_for(h["user"])
    app = draft(h, h["wife"], h["child"])
    app_id, group = app_gid(app.pk), application_group(app.pk)

    first = ws_client(b)
    first.init({"authorization": f"Bearer {token}"})
    first.subscribe("app", APPLICATION_UPDATED, {"id": app_id})
    channel_groups.wait_for_members(group)
    before = mark(app.pk)
    application_submit(actor=h["user"], application_id=app.pk)
    expected = written(app.pk, before)
    seen = collect(first, {"app": len(expected)})["app"]
    assert shown(seen) == expected
    assert transitions(expected) == SUBMIT_AND_CANCEL[:2]

    # The client goes away (its channel leaves the group); meanwhile the checks clear.
    first.close()
    wait_until_empty(channel_groups, group)
    missed_from = mark(app.pk)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        locked.amount_due = Decimal("25.000")
        locked.save(update_fields=["amount_due"])
        application_transition(locked, State.AWAITING_PAYMENT, actor=None)
    assert transitions(written(app.pk, missed_from)) == [("CHECKING", "AWAITING_PAYMENT")]

    # It comes back, through the other process: subscribe first, then re-read, so that nothing
    # falls between the two.
    second = ws_client(a)
    second.init({"authorization": f"Bearer {token}"})
    second.subscribe("app", APPLICATION_UPDATED, {"id": app_id})
    channel_groups.wait_for_members(group)
    second.subscribe("reread", NODE, {"id": app_id})
    reread = second.next_payload("reread")
    assert not reread.get("errors"), reread
    node = reread["data"]["node"]
    assert node["id"] == app_id
    assert node["state"] == "AWAITING_PAYMENT"
    assert Decimal(node["amountDue"]) == Decimal("25.000")
    history = [(e["kind"], e["toState"]) for e in node["history"]]
    assert history == [(kind, dst) for kind, _, dst, _ in written(app.pk)]
    assert [dst for kind, dst in history if kind == "TRANSITION"] == [
        "DRAFT",
        "SUBMITTED",
        "CHECKING",
        "AWAITING_PAYMENT",
    ]
    done = second.receive()
    assert (done["type"], done["id"]) == ("complete", "reread"), done

    # From there on it is live again.
    started, before = time.time(), mark(app.pk)
    application_cancel(actor=h["user"], application_id=app.pk)
    expected = written(app.pk, before)
    live = collect(second, {"app": len(expected)})["app"]
    assert shown(live) == expected
    assert transitions(expected) == [("AWAITING_PAYMENT", "CANCELLED")]
    assert {(u["state"], Decimal(u["amountDue"])) for u in live} == {
        ("CANCELLED", Decimal("25.000"))
    }
    assert_timely(live, started)
    second.assert_silent(0.5)
    # The first connection got the events it was there for, and nothing after.
    assert [m["type"] for m in first.received] == ["connection_ack"] + ["next"] * len(seen)
