"""Subscriptions resume from a cursor, end to end (daphne, Redis, a real websocket): what came
while the client was away is replayed from the database, then it goes live, each event once
and in order; a gap in the live feed is filled from the database; and a cursor never shows
another sponsor anything (``realtime/feeds.py``)."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.db import transaction

from core.applications.machine import application_transition
from core.applications.models import Application, ApplicationEvent
from core.applications.services import application_cancel, application_submit
from core.applications.states import State
from realtime import broadcast
from realtime.groups import application_group, sponsor_applications_group
from tests import factories
from tests.support.application_events import app_gid, draft, token_for

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]

FIELDS = "applicationId cursor event { sequence kind toState state }"
UPDATED = f"""subscription($id: ID!, $after: String) {{
  applicationUpdated(id: $id, after: $after) {{ {FIELDS} }} }}"""
MINE = f"subscription($after: String) {{ myApplications(after: $after) {{ {FIELDS} }} }}"


def sequences(app: Application) -> list[int]:
    return list(app.history.order_by("sequence").values_list("sequence", flat=True))


def updates(client, op: str, count: int, timeout: float = 10) -> list[dict]:
    got = []
    while len(got) < count:
        payload = client.next_payload(op, timeout)
        assert not payload.get("errors"), payload
        (update,) = payload["data"].values()
        got.append(update)
    return got


def awaiting_payment(app: Application) -> None:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        locked.amount_due = Decimal("20.000")
        locked.save(update_fields=["amount_due"])
        application_transition(locked, State.AWAITING_PAYMENT, actor=None)


def subscribed(ws_client, daphne, channel_groups, token, op, query, variables, group):
    client = ws_client(daphne)
    client.init({"authorization": f"Bearer {token}"})
    before = channel_groups.members(group)
    client.subscribe(op, query, variables)
    try:
        channel_groups.wait_for_members(group, before + 1)
    except BaseException:
        print(client.drain(0.5))
        raise
    return client


def test_application_updated_replays_what_came_while_away_then_goes_live(
    daphne, ws_client, channel_groups, household
):
    h = household
    token = token_for(h["user"])
    app = draft(h, h["wife"])
    group = application_group(app.pk)
    first = subscribed(
        ws_client, daphne, channel_groups, token, "a", UPDATED, {"id": app_gid(app.pk)}, group
    )
    application_submit(actor=h["user"], application_id=app.pk)  # SUBMITTED, DOCUMENTS, CHECKING
    seen = updates(first, "a", 3)
    assert [u["event"]["sequence"] for u in seen] == sequences(app)[1:4]  # 1 is the draft's
    assert [u["event"]["state"] for u in seen] == ["SUBMITTED", "SUBMITTED", "CHECKING"]
    first.close()
    channel_groups.wait_for_members(group, 0)

    awaiting_payment(app)  # while nobody listens
    again = subscribed(
        ws_client,
        daphne,
        channel_groups,
        token,
        "b",
        UPDATED,
        {"id": app_gid(app.pk), "after": seen[-1]["cursor"]},
        group,
    )
    (replayed,) = updates(again, "b", 1)
    assert replayed["event"]["toState"] == "AWAITING_PAYMENT"
    application_cancel(actor=h["user"], application_id=app.pk)  # live
    (live,) = updates(again, "b", 1)
    assert live["event"]["toState"] == "CANCELLED"
    got = [u["event"]["sequence"] for u in [*seen, replayed, live]]
    assert got == sequences(app)[1:] and len(set(got)) == len(got)
    again.assert_silent(0.5)


def test_a_lost_live_event_is_filled_from_the_database(
    daphne, ws_client, channel_groups, household, monkeypatch
):
    h = household
    token = token_for(h["user"])
    app = draft(h, h["wife"])
    client = subscribed(
        ws_client,
        daphne,
        channel_groups,
        token,
        "mine",
        MINE,
        {},
        sponsor_applications_group(h["sponsor"].pk),
    )
    with monkeypatch.context() as lost:  # Redis drops every event of the submit
        lost.setattr(broadcast, "send_to_groups", lambda groups, message: None)
        application_submit(actor=h["user"], application_id=app.pk)
    awaiting_payment(app)  # its event arrives; the three before it are read back
    got = updates(client, "mine", 4)
    assert [u["event"]["sequence"] for u in got] == sequences(app)[1:]
    assert got[-1]["event"]["toState"] == "AWAITING_PAYMENT"
    client.assert_silent(0.5)


def test_a_cursor_shows_another_sponsor_nothing(daphne, ws_client, channel_groups, household):
    h = household
    owner_token = token_for(h["user"])
    app = draft(h, h["wife"])
    client = subscribed(
        ws_client,
        daphne,
        channel_groups,
        owner_token,
        "mine",
        MINE,
        {},
        sponsor_applications_group(h["sponsor"].pk),
    )
    application_submit(actor=h["user"], application_id=app.pk)
    cursor = updates(client, "mine", 3)[0]["cursor"]  # the owner's, early in the history

    stranger = factories.household()
    intruder = ws_client(daphne)
    intruder.init({"authorization": f"Bearer {token_for(stranger['user'])}"})
    intruder.subscribe("mine", MINE, {"after": cursor})
    error = refusal(intruder, "mine")
    assert error["extensions"]["code"] == "INVALID_CURSOR"
    assert error["extensions"]["messageAr"], error
    intruder.subscribe("app", UPDATED, {"id": app_gid(app.pk), "after": cursor})
    assert refusal(intruder, "app")["extensions"]["code"] == "NOT_FOUND"
    own = ws_client(daphne)
    own.init({"authorization": f"Bearer {owner_token}"})
    own.subscribe("garbage", UPDATED, {"id": app_gid(app.pk), "after": "%%%"})
    assert refusal(own, "garbage")["extensions"]["code"] == "INVALID_CURSOR"
    assert ApplicationEvent.objects.filter(application=app).count() == 4


def refusal(client, op: str) -> dict:
    """The one error an operation ended with (as ``error``, or as ``next`` with errors and no
    data, then ``complete``); nothing else was delivered."""
    message = client.receive(5)
    assert message.get("id") == op, message
    if message["type"] == "error":
        (error,) = message["payload"]
        return error
    assert message["type"] == "next" and message["payload"]["data"] is None, message
    (error,) = message["payload"]["errors"]
    assert client.receive(5) == {"id": op, "type": "complete"}
    return error
