"""Who hears of a renewal application's events on the websocket, end to end with real parts:
a daphne process on Redis, the ``websockets`` library as the client, the services run here.

What the subscriptions promise (``schema/applications/subscriptions.py``,
``realtime/broadcast.py``) about their audience:

* nobody hears of an application they may not see, and nobody signed in hears of no one's;
* subscriptions sharing one websocket each get their own events, once.
"""

from __future__ import annotations

import os
import time

import pytest

from core.applications.services import application_cancel, application_submit
from core.articles import Article, Relation
from realtime.groups import application_group, sponsor_applications_group
from tests import factories
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
)

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the in-memory channel layer cannot carry events between processes",
    ),
]


def assert_refused(message: dict, op_id: str, text: str) -> None:
    """A subscription refused before it listened: an ``error``, or a ``next`` with errors only."""
    assert message.get("id") == op_id, message
    if message["type"] == "error":
        assert message["payload"], message
    else:
        assert message["type"] == "next" and message["payload"].get("errors"), message
        assert message["payload"].get("data") is None, message
    assert text in str(message["payload"]), message


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
