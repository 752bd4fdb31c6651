"""Renewal-application events on the websocket, end to end with real parts: daphne processes
sharing Redis, mutations over HTTP, the ``websockets`` library as the client.

What the subscriptions promise (``realtime/subscriptions.py``, ``realtime/broadcast.py``):

* every transition of an application is sent, after its commit, to ``applicationUpdated(id)`` and
  to ``myApplications`` of its sponsor, on whichever daphne process the subscriber is connected
  to, in the order of the commits;
* ``state`` is the application's state when the event was published (after the commit), so both
  events of one submit (SUBMITTED, then CHECKING, committed together) carry ``CHECKING``;
  ``event.toState`` is the transition itself;
* nobody hears of an application they may not see;
* nothing is replayed: a client that was away re-subscribes, then re-reads the application.

Submitting enqueues the agency checks as django-tasks jobs; no worker runs here, so they stay in
the database and the only events are the transitions.

Before publishing, each test waits until the subscriber's channel is in the group in Redis
(graphql-transport-ws has no "subscribed" acknowledgement; an earlier event would be lost).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

import httpx
import pytest
from django.db import transaction
from django.db.models import Max
from strawberry.relay import from_base64, to_base64

from core.applications.models import Application, ApplicationEvent
from core.applications.services import (
    PersonChoice,
    application_cancel,
    application_create,
    application_submit,
    application_transition,
)
from core.applications.states import State
from core.articles import Article, Relation
from core.services.accounts import api_token_create
from realtime.groups import application_group, sponsor_applications_group
from tests import factories

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the in-memory channel layer cannot carry events between processes",
    ),
]

UPDATE_FIELDS = "applicationId state amountDue sentAt event { kind fromState toState at }"
APPLICATION_UPDATED = f"""
subscription($id: ID!) {{ applicationUpdated(id: $id) {{ {UPDATE_FIELDS} }} }}"""
MY_APPLICATIONS = f"subscription {{ myApplications {{ {UPDATE_FIELDS} }} }}"

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


# --- helpers ----------------------------------------------------------------------------------


def token_for(user) -> str:
    _, raw = api_token_create(user=user, name="realtime application test")
    return raw


def app_gid(pk: int) -> str:
    return to_base64("RenewalApplication", pk)


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


def collect(client, counts: dict[str, int], timeout: float = 10) -> dict[str, list[dict]]:
    """The next ``counts[op]`` updates of each operation, each with the local time it was read
    (``receivedAt``). Fails on anything else but the ``complete`` of another operation."""
    got: dict[str, list[dict]] = {op: [] for op in counts}
    deadline = time.monotonic() + timeout
    while any(len(got[op]) < n for op, n in counts.items()):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"timed out; got {[(op, len(v)) for op, v in got.items()]} of {counts}")
        message = client.receive(remaining)
        received_at = time.time()
        if message["type"] == "complete" and message.get("id") not in got:
            continue  # the end of another operation (a refused one)
        assert message["type"] == "next" and message.get("id") in got, message
        payload = message["payload"]
        assert not payload.get("errors"), payload
        (update,) = payload["data"].values()
        got[message["id"]].append({**update, "receivedAt": received_at})
    return got


Event = tuple[str, str | None, str | None, dt.datetime]


def mark(app_pk: int) -> int:
    """The id of the application's latest event (0 if none): what comes after is new."""
    return ApplicationEvent.objects.filter(application_id=app_pk).aggregate(m=Max("pk"))["m"] or 0


def written(app_pk: int, after: int = 0, upto: int | None = None) -> list[Event]:
    """The events the services wrote for the application after event ``after``, in commit
    order, as a subscriber sees them: (kind, fromState, toState, at)."""
    events = ApplicationEvent.objects.filter(application_id=app_pk, pk__gt=after)
    if upto is not None:
        events = events.filter(pk__lte=upto)
    return [
        (e.kind.upper(), e.from_state.upper() or None, e.to_state.upper() or None, e.at)
        for e in events.order_by("pk")
    ]


def written_states(app_pk: int) -> list[str]:
    """The state each of the application's events describes, as written (upper case)."""
    states = ApplicationEvent.objects.filter(application_id=app_pk).order_by("pk")
    return [state.upper() for state in states.values_list("state", flat=True)]


def shown(updates: list[dict]) -> list[Event]:
    return [
        (
            u["event"]["kind"],
            u["event"]["fromState"],
            u["event"]["toState"],
            dt.datetime.fromisoformat(u["event"]["at"]),
        )
        for u in updates
    ]


def transitions(events: list[Event]) -> list[tuple[str | None, str | None]]:
    return [(src, dst) for kind, src, dst, _ in events if kind == "TRANSITION"]


def assert_timely(updates: list[dict], not_before: float) -> None:
    """Each update left the publisher after ``not_before`` and before it was read here, and in
    the order of the events (same machine, same clock)."""
    for update in updates:
        assert not_before <= update["sentAt"] <= update["receivedAt"], update
        assert update["receivedAt"] - update["sentAt"] < 5, update
    sent = [u["sentAt"] for u in updates]
    assert sent == sorted(sent), sent
    at = [u["event"]["at"] for u in updates]
    assert at == sorted(at), at


def assert_refused(message: dict, op_id: str, text: str) -> None:
    """A subscription refused before it listened: an ``error``, or a ``next`` with errors only."""
    assert message.get("id") == op_id, message
    if message["type"] == "error":
        assert message["payload"], message
    else:
        assert message["type"] == "next" and message["payload"].get("errors"), message
        assert message["payload"].get("data") is None, message
    assert text in str(message["payload"]), message


def wait_until_empty(channel_groups, group: str, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while (found := channel_groups.members(group)) > 0:
        if time.monotonic() > deadline:
            pytest.fail(f"group {group!r} still has {found} member(s) after {timeout} s")
        time.sleep(0.02)


def draft(h: dict, *people) -> Application:
    """A draft application of the household, made through the service in this process."""
    return application_create(
        kind="renewal",
        actor=h["user"],
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(p.pk, 12) for p in people],
    )


# --- tests ------------------------------------------------------------------------------------


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


def test_only_those_who_may_see_an_application_hear_of_it(
    daphne, ws_client, channel_groups, household
):
    h = household
    other = factories.family(children=1)
    employer, _ = factories.company("Other Employer")
    factories.permit(other["head"], employer, Article.PRIVATE_SECTOR, days_left=1200)
    newborn = factories.dependent(other["sponsor"], Relation.CHILD, name_en="Newborn")
    factories.permit(newborn, other["sponsor"], Article.FAMILY_JOIN, days_left=45)
    ours = draft(h, h["wife"])
    theirs = draft(other, newborn)
    our_group = application_group(ours.pk)

    # Another family's user may not watch our application: an error, and no group join.
    intruder = ws_client(daphne)
    intruder.init({"authorization": f"Bearer {token_for(other['user'])}"})
    intruder.subscribe("ours", APPLICATION_UPDATED, {"id": app_gid(ours.pk)})
    assert_refused(intruder.receive(), "ours", "Not found")
    assert channel_groups.members(our_group) == 0
    # ... but may watch their own sponsor's applications.
    intruder.subscribe("mine", MY_APPLICATIONS)
    channel_groups.wait_for_members(sponsor_applications_group(other["sponsor"].pk))

    # Nobody signed in may not watch "my" applications.
    anonymous = ws_client(daphne)
    anonymous.init({})
    anonymous.subscribe("mine", MY_APPLICATIONS)
    assert_refused(anonymous.receive(), "mine", "Sign in")

    owner = ws_client(daphne)
    owner.init({"authorization": f"Bearer {token_for(h['user'])}"})
    owner.subscribe("mine", MY_APPLICATIONS)
    owner.subscribe("app", APPLICATION_UPDATED, {"id": app_gid(ours.pk)})
    channel_groups.wait_for_members(sponsor_applications_group(h["sponsor"].pk))
    channel_groups.wait_for_members(our_group)
    assert channel_groups.members(our_group) == 1  # the owner alone

    started, before = time.time(), mark(ours.pk)
    application_submit(actor=h["user"], application_id=ours.pk)
    expected = written(ours.pk, before)
    got = collect(owner, {"mine": len(expected), "app": len(expected)})
    for updates in got.values():
        assert shown(updates) == expected
        assert {u["applicationId"] for u in updates} == {app_gid(ours.pk)}
        assert_timely(updates, started)

    # The other family's own event reaches them (their subscription is live) and not us.
    before = mark(theirs.pk)
    application_cancel(actor=other["user"], application_id=theirs.pk)
    expected = written(theirs.pk, before)
    theirs_got = collect(intruder, {"mine": len(expected)})["mine"]
    assert shown(theirs_got) == expected
    assert transitions(expected) == [("DRAFT", "CANCELLED")]
    assert {u["applicationId"] for u in theirs_got} == {app_gid(theirs.pk)}

    # Nothing else arrived anywhere: at most the end of a refused operation.
    for client, refused in ((intruder, "ours"), (anonymous, "mine"), (owner, None)):
        late = client.drain(1.0)
        assert all(m["type"] == "complete" and m["id"] == refused for m in late), late
        stranger = app_gid(theirs.pk) if client is owner else app_gid(ours.pk)
        assert not [m for m in client.received if stranger in str(m)], client.received


def test_subscriptions_sharing_a_websocket_each_get_their_own_events_once(
    daphne, ws_client, channel_groups, household
):
    """A browser multiplexes every subscription of its screens on one socket. The channel layer
    delivers to the socket; each subscription must keep only what came through its own groups:
    not the other application's events, and not the copy sent to the sponsor's group."""
    h = household
    first, second = draft(h, h["wife"], h["maid"]), draft(h, h["child"])
    client = ws_client(daphne)
    client.init({"authorization": f"Bearer {token_for(h['user'])}"})
    client.subscribe("first", APPLICATION_UPDATED, {"id": app_gid(first.pk)})
    client.subscribe("second", APPLICATION_UPDATED, {"id": app_gid(second.pk)})
    client.subscribe("mine", MY_APPLICATIONS)
    for group in (application_group(first.pk), application_group(second.pk)):
        channel_groups.wait_for_members(group)
    channel_groups.wait_for_members(sponsor_applications_group(h["sponsor"].pk))

    started, first_mark, second_mark = time.time(), mark(first.pk), mark(second.pk)
    application_submit(actor=h["user"], application_id=first.pk)
    application_cancel(actor=h["user"], application_id=second.pk)
    of_first, of_second = written(first.pk, first_mark), written(second.pk, second_mark)

    got = collect(
        client,
        {"first": len(of_first), "second": len(of_second), "mine": len(of_first + of_second)},
    )
    assert shown(got["first"]) == of_first
    assert {u["applicationId"] for u in got["first"]} == {app_gid(first.pk)}
    assert shown(got["second"]) == of_second
    assert transitions(of_second) == [("DRAFT", "CANCELLED")]
    assert {u["applicationId"] for u in got["second"]} == {app_gid(second.pk)}
    assert shown(got["mine"]) == of_first + of_second
    for updates in got.values():
        assert_timely(updates, started)
    client.assert_silent(1.0)


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
