"""Revoking a delegate, narrowing their scopes or revoking a token closes their open websockets
at once, through a real daphne and Redis: the revocation is committed in this process (as a
request of the owner would), its word goes to the user's (and token's) group, and daphne closes
those websockets with 4403 — and no one else's."""

from __future__ import annotations

import os

import httpx
import pytest

from core.services.accounts import api_token_revoke
from core.sponsors.delegates import delegate_grant, delegate_revoke
from realtime.groups import token_group, user_group
from tests import factories
from tests.support.staff import delegate, token

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the revocation goes from this process to daphne's",
    ),
]
MY_APPLICATIONS = "subscription { myApplications { applicationId state } }"


def session_of(daphne, user) -> str:
    """Sign in over HTTP as a browser would: the session cookie."""
    login = httpx.post(
        f"{daphne.url}/graphql/",
        json={
            "query": "mutation($u: String!, $p: String!) "
            "{ login(username: $u, password: $p) { errors { code } } }",
            "variables": {"u": user.username, "p": factories.PASSWORD},
        },
        timeout=10,
    )
    assert login.json()["data"]["login"]["errors"] == [], login.text
    return login.cookies["sessionid"]


@pytest.fixture
def company(transactional_db):
    works = factories.employed_worker()
    clerk = factories.user()
    row = delegate(works["employer"], clerk, ["view_workers", "integrations"], by=works["staff"])
    return {**works, "owner": works["staff"], "clerk": clerk, "row": row}


def watching(ws_client, daphne, channel_groups, group: str, **init) -> object:
    client = ws_client(daphne, headers=init.pop("headers", None))
    client.init(init.get("payload", {}))
    client.subscribe("1", MY_APPLICATIONS)
    channel_groups.wait_for_members(group, channel_groups.members(group) + 1)
    return client


def test_a_revoked_delegates_websockets_close_at_once(company, daphne, ws_client, channel_groups):
    clerk, owner = company["clerk"], company["owner"]
    _, raw = token(clerk, company["employer"], ["view_workers"])
    browser = ws_client(daphne, headers={"Cookie": f"sessionid={session_of(daphne, clerk)}"})
    browser.init({})
    browser.subscribe("1", MY_APPLICATIONS)
    system = ws_client(daphne)
    system.init({"authorization": f"Bearer {raw}"})
    system.subscribe("1", MY_APPLICATIONS)
    bystander = ws_client(daphne)
    bystander.init(
        {"authorization": f"Bearer {token(owner, company['employer'], ['view_workers'])[1]}"}
    )
    bystander.subscribe("1", MY_APPLICATIONS)
    channel_groups.wait_for_members(user_group(clerk.pk), 2)
    channel_groups.wait_for_members(user_group(owner.pk), 1)

    delegate_revoke(actor=owner, delegate_id=company["row"].pk)

    assert browser.wait_closed(timeout=5) == 4403
    assert system.wait_closed(timeout=5) == 4403
    bystander.assert_silent(1.0)
    # Connecting again with the revoked delegate's token is refused.
    again = ws_client(daphne)
    again.send({"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}})
    assert again.wait_closed(timeout=5) == 4403


def test_narrowing_a_delegates_scopes_closes_their_websockets(
    company, daphne, ws_client, channel_groups
):
    clerk = company["clerk"]
    _, raw = token(clerk, company["employer"], ["view_workers"])
    system = ws_client(daphne)
    system.init({"authorization": f"Bearer {raw}"})
    system.subscribe("1", MY_APPLICATIONS)
    channel_groups.wait_for_members(user_group(clerk.pk))

    delegate_grant(  # widening closes nothing ...
        actor=company["owner"],
        sponsor_id=company["employer"].pk,
        username=clerk.username,
        scopes=["view_workers", "integrations", "pay"],
    )
    system.assert_silent(1.0)
    delegate_grant(  # ... taking a scope away does
        actor=company["owner"],
        sponsor_id=company["employer"].pk,
        username=clerk.username,
        scopes=["view_workers", "integrations"],
    )
    assert system.wait_closed(timeout=5) == 4403


def test_a_revoked_token_closes_its_websockets_not_its_creators_others(
    company, daphne, ws_client, channel_groups
):
    owner = company["owner"]
    revoked, first = token(owner, company["employer"], ["view_workers"])
    _, second = token(owner, company["employer"], ["view_workers"])
    one = ws_client(daphne)
    one.init({"authorization": f"Bearer {first}"})
    one.subscribe("1", MY_APPLICATIONS)
    two = ws_client(daphne)
    two.init({"authorization": f"Bearer {second}"})
    two.subscribe("1", MY_APPLICATIONS)
    channel_groups.wait_for_members(token_group(revoked.pk))
    channel_groups.wait_for_members(user_group(owner.pk), 2)

    api_token_revoke(actor=owner, token_id=revoked.pk)

    assert one.wait_closed(timeout=5) == 4403
    two.assert_silent(1.0)
