"""The GraphQL websocket end to end, with real parts only: daphne in its own process, Redis as the
channel layer, the ``websockets`` library as the client, and events published by this process
(as a worker or another web process would) through ``core.services``.

Before publishing, each test waits until the subscriber's channel is in the permit's group in
Redis: graphql-transport-ws has no "subscribed" acknowledgement, and an event published before
the group join would be lost by design.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import httpx
import pytest
from django.utils import timezone
from strawberry.relay import to_base64
from websockets.exceptions import InvalidStatus

from core import households
from core.models import ApiToken, ResidencyPermit
from core.services.accounts import api_token_revoke
from core.services.permits import permit_renew
from realtime.groups import permit_group
from tests import factories

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the in-memory channel layer cannot carry events from this "
        "process to daphne's",
    ),
]

PERMIT_UPDATED = """
subscription($id: ID!) {
  permitUpdated(id: $id) { kind sentAt permit { id expiresOn status } }
}"""
IDLE_SECONDS = 15


def gid(permit: ResidencyPermit) -> str:
    return to_base64("ResidencyPermit", permit.pk)


def bearer(user) -> str:
    return f"Bearer {households.token(user, name='realtime test')}"


def renew(permit: ResidencyPermit, days: int = 400) -> dt.date:
    """Renew in this process; the service's transaction commits, then the event goes out."""
    expires_on = timezone.localdate() + dt.timedelta(days=days)
    permit_renew(actor=None, permit=permit, expires_on=expires_on)
    return expires_on


def subscribe(client, permit: ResidencyPermit, channel_groups, op_id: str = "1") -> None:
    client.subscribe(op_id, PERMIT_UPDATED, {"id": gid(permit)})
    channel_groups.wait_for_members(permit_group(permit.pk))


def assert_renewed(payload: dict, permit: ResidencyPermit, expires_on: dt.date) -> None:
    assert "errors" not in payload, payload
    event = payload["data"]["permitUpdated"]
    assert event["kind"] == "RENEWED"
    assert event["permit"]["id"] == gid(permit)
    assert event["permit"]["expiresOn"] == expires_on.isoformat()
    assert event["permit"]["status"]
    assert time.time() - 60 < event["sentAt"] <= time.time() + 1


def test_token_subscriber_gets_a_renewal_published_by_another_process(
    transactional_db, daphne, ws_client, channel_groups
):
    family = factories.family()
    permit = family["permits"][0]
    client = ws_client(daphne)
    client.init({"authorization": bearer(family["user"])})
    subscribe(client, permit, channel_groups)

    expires_on = renew(permit)

    assert_renewed(client.next_payload("1"), permit, expires_on)


def test_idle_subscription_still_gets_events(transactional_db, daphne, ws_client, channel_groups):
    """Guards the redis-py 8 trap: with the default socket_timeout the channel layer's blocking
    read times out on an idle connection and daphne drops the websocket after ~5 s."""
    family = factories.family()
    permit = family["permits"][0]
    client = ws_client(daphne)
    client.init({"authorization": bearer(family["user"])})
    subscribe(client, permit, channel_groups)

    client.assert_silent(IDLE_SECONDS)  # no client pings; protocol pings would be answered
    assert daphne.process.poll() is None

    expires_on = renew(permit)
    assert_renewed(client.next_payload("1"), permit, expires_on)


def test_session_cookie_from_http_login_authenticates_the_websocket(
    transactional_db, daphne, ws_client, channel_groups
):
    family = factories.family()
    permit = family["permits"][1]
    login = httpx.post(
        f"{daphne.url}/graphql/",
        json={
            "query": "mutation($u: String!, $p: String!) "
            "{ login(username: $u, password: $p) { errors { code } } }",
            "variables": {"u": family["user"].username, "p": factories.PASSWORD},
        },
        timeout=10,
    )
    assert login.status_code == 200, login.text
    assert login.json()["data"]["login"]["errors"] == [], login.text
    session = login.cookies.get("sessionid")
    assert session, login.headers

    client = ws_client(daphne, headers={"Cookie": f"sessionid={session}"})
    client.init({})
    subscribe(client, permit, channel_groups)

    expires_on = renew(permit, days=500)
    assert_renewed(client.next_payload("1"), permit, expires_on)


def test_no_session_and_no_token_may_not_subscribe(
    transactional_db, daphne, ws_client, channel_groups
):
    permit = factories.family()["permits"][0]
    client = ws_client(daphne)
    client.init({})
    client.subscribe("1", PERMIT_UPDATED, {"id": gid(permit)})

    refused = client.receive()
    assert refused["id"] == "1"
    assert refused["type"] == "error" or refused["payload"].get("errors"), refused
    assert channel_groups.members(permit_group(permit.pk)) == 0


def test_another_familys_user_gets_an_error_and_no_events(
    transactional_db, daphne, ws_client, channel_groups
):
    family, other = factories.family(), factories.family(children=1)
    permit = family["permits"][0]
    group = permit_group(permit.pk)

    intruder = ws_client(daphne)
    intruder.init({"authorization": bearer(other["user"])})
    intruder.subscribe("1", PERMIT_UPDATED, {"id": gid(permit)})
    refused = intruder.receive()
    assert refused["id"] == "1", refused
    if refused["type"] == "error":
        assert refused["payload"], refused
    else:
        assert refused["type"] == "next" and refused["payload"].get("errors"), refused
        assert refused["payload"].get("data") is None, refused
    assert "Not found" in str(refused["payload"])
    assert channel_groups.members(group) == 0  # never joined the group

    # The owner subscribes on the same server: the event demonstrably goes out ...
    owner = ws_client(daphne)
    owner.init({"authorization": bearer(family["user"])})
    subscribe(owner, permit, channel_groups)
    assert channel_groups.members(group) == 1
    expires_on = renew(permit)
    assert_renewed(owner.next_payload("1"), permit, expires_on)

    # ... and the intruder gets nothing of it (at most the end of its refused operation).
    late = intruder.drain(1.0)
    assert all(m["type"] == "complete" and m["id"] == "1" for m in late), late


@pytest.mark.parametrize("case", ["garbage", "revoked"])
def test_bad_token_at_connection_init_closes_with_4403(transactional_db, daphne, ws_client, case):
    user = factories.family()["user"]
    if case == "revoked":
        raw = households.token(user, name="soon revoked")
        token = ApiToken.objects.get(user=user, name="soon revoked")
        api_token_revoke(actor=user, token_id=token.pk)
        authorization = f"Bearer {raw}"
    else:
        authorization = "Bearer iqt_000000000000_not-a-real-secret"

    client = ws_client(daphne)
    client.send({"type": "connection_init", "payload": {"authorization": authorization}})

    assert client.wait_closed(timeout=5) == 4403
    assert not any(m.get("type") == "connection_ack" for m in client.received), client.received


def test_an_origin_not_allowed_is_refused_at_the_handshake(transactional_db, daphne, ws_client):
    with pytest.raises(InvalidStatus) as refused:
        ws_client(daphne, origin="http://evil.example")
    assert refused.value.response.status_code == 403

    # The allowed origin, on the same server, is accepted: the refusal was the origin's.
    ws_client(daphne).init({})
