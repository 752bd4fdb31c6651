"""API tokens of HR systems: created by staff holding INTEGRATIONS for one sponsor, with some of
their scopes and an expiry; a token acts for its sponsor only, loses what its creator loses,
and an expired token, a revoked one and another company's get nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from core.models import ApiToken, AuditEntry
from tests import factories
from tests.support.staff import (
    CREATE_TOKEN,
    EMPLOYERS,
    NODE,
    PERMITS,
    RENEW,
    delegate,
    gid,
    person_gid,
    sponsor_gid,
    token,
    until,
)

pytestmark = pytest.mark.django_db
ME = "{ me { person { id } sponsor { id } } myResidency { permit { article } } }"


def as_token(raw: str, query: str, variables: dict | None = None):
    return Client().post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def ok(raw: str, query: str, variables: dict | None = None) -> dict:
    response = as_token(raw, query, variables)
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def works() -> dict:
    built = factories.employed_worker()
    built["owner"] = built["staff"]
    return built


def create(gql, sponsor, scopes, *, days: float = 30, name: str = "HR system") -> dict:
    variables = {"s": sponsor_gid(sponsor), "n": name, "scopes": scopes, "until": until(days)}
    return gql(CREATE_TOKEN, variables)["data"]["createApiToken"]


def codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def test_creating_takes_integrations_and_gives_no_more_than_the_creator_holds(gql, works):
    clerk = factories.user()
    delegate(works["employer"], clerk, ["view_workers"], by=works["owner"])
    gql.login(clerk)
    assert codes(create(gql, works["employer"], ["VIEW_WORKERS"])) == [("sponsorId", "NOT_FOUND")]

    delegate(works["employer"], clerk, ["view_workers", "integrations"], by=works["owner"])
    too_much = create(gql, works["employer"], ["RENEW", "PAY"])
    assert codes(too_much) == [("scopes", "SCOPE_NOT_HELD")]
    assert "renew, pay" in too_much["errors"][0]["messageEn"] and too_much["errors"][0]["messageAr"]
    assert codes(create(gql, works["employer"], [])) == [("scopes", "SCOPES_REQUIRED")]
    made = create(gql, works["employer"], ["VIEW_WORKERS"])
    assert made["errors"] == [] and made["apiToken"]["createdBy"] == clerk.username
    entry = AuditEntry.objects.get(action="token_created")
    assert entry.actor == clerk and entry.detail["scopes"] == ["view_workers"]


def test_an_expiry_is_required_in_the_future_and_bounded(gql, works, settings):
    settings.API_TOKENS = {**settings.API_TOKENS, "MAX_DAYS": 90}
    gql.login(works["owner"])
    assert codes(create(gql, works["employer"], ["PAY"], days=-1)) == [
        ("expiresAt", "EXPIRY_IN_PAST")
    ]
    far = create(gql, works["employer"], ["PAY"], days=91)
    assert codes(far) == [("expiresAt", "EXPIRY_TOO_FAR")]
    assert "90 days" in far["errors"][0]["messageEn"]
    assert create(gql, works["employer"], ["PAY"], days=89)["errors"] == []
    assert ApiToken.objects.count() == 1


def test_a_token_acts_for_its_sponsor_only(gql, works):
    """An owner of two companies who is also a resident: a token for one company sees that
    company's workers, not the other's, and not its creator's own residency."""
    owner = works["owner"]
    second = factories.company("Second Co")[0]
    second.staff.create(user=owner, role="owner")
    other_worker = factories.dependent(second, "employee", name_en="Other Worker")
    factories.permit(other_worker, second, article=18)
    _, raw = token(owner, works["employer"], ["view_workers", "renew"])

    data = ok(raw, PERMITS)
    assert data["permits"]["totalCount"] == 1
    assert data["permits"]["edges"][0]["node"]["holder"]["id"] == person_gid(works["worker"])
    assert ok(raw, NODE, {"id": person_gid(other_worker)})["node"] is None
    assert ok(raw, EMPLOYERS)["me"]["employers"] == [
        {"id": sponsor_gid(works["employer"]), "myScopes": ["VIEW_WORKERS", "RENEW"]}
    ]
    refused = ok(raw, RENEW, {"s": sponsor_gid(second), "p": person_gid(other_worker)})
    assert refused["createRenewal"]["errors"] == [{"code": "NOT_FOUND"}]

    worker_hr = works["worker"].user  # a resident who is also staff: the token is not him
    second.staff.create(user=worker_hr, role="owner")
    _, his = token(worker_hr, second, ["view_workers"])
    assert ok(his, ME) == {"me": {"person": None, "sponsor": None}, "myResidency": []}


def test_a_token_loses_what_its_creator_loses(gql, works):
    clerk = factories.user()
    delegate(works["employer"], clerk, ["renew", "integrations"], by=works["owner"])
    issued, raw = token(clerk, works["employer"], ["renew"])
    s, p = sponsor_gid(works["employer"]), person_gid(works["worker"])

    delegate(works["employer"], clerk, ["view_workers", "integrations"], by=works["owner"])
    assert ok(raw, PERMITS)["permits"]["totalCount"] == 1
    assert ok(raw, RENEW, {"s": s, "p": p})["createRenewal"]["errors"] == [{"code": "NOT_FOUND"}]
    gql.login(clerk)
    [mine] = gql("{ myApiTokens { scopes activeScopes } }")["data"]["myApiTokens"]
    assert mine == {"scopes": ["VIEW_WORKERS", "RENEW"], "activeScopes": ["VIEW_WORKERS"]}

    delegate(works["employer"], clerk, ["pay"], by=works["owner"])  # nothing the token has left
    assert ok(raw, PERMITS)["permits"]["totalCount"] == 1  # pay implies viewing
    delegate(works["employer"], clerk, ["integrations"], by=works["owner"])
    response = as_token(raw, PERMITS)
    assert response.status_code == 401
    issued.refresh_from_db()
    assert issued.revoked_at is None  # narrowed to nothing, not revoked: it comes back with them


def test_an_expired_a_revoked_and_a_legacy_token_are_refused(works):
    issued, raw = token(works["owner"], works["employer"], ["view_workers"])
    assert ok(raw, PERMITS)["permits"]["totalCount"] == 1
    ApiToken.objects.filter(pk=issued.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert as_token(raw, PERMITS).status_code == 401
    ApiToken.objects.filter(pk=issued.pk).update(expires_at=None)  # before expiries existed
    assert as_token(raw, PERMITS).status_code == 401
    ApiToken.objects.filter(pk=issued.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=1), sponsor=None
    )
    assert as_token(raw, PERMITS).status_code == 401


def test_another_companys_token_gets_nothing_of_this_one(gql, works):
    stranger_company, (stranger,) = factories.company("Stranger Co")
    _, foreign = token(stranger, stranger_company, ["view_workers", "renew", "pay", "integrations"])
    s, p = sponsor_gid(works["employer"]), person_gid(works["worker"])
    assert ok(foreign, PERMITS)["permits"]["totalCount"] == 0
    assert ok(foreign, NODE, {"id": p})["node"] is None
    assert ok(foreign, NODE, {"id": s})["node"] is None
    assert ok(foreign, RENEW, {"s": s, "p": p})["createRenewal"]["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    mine, _ = token(works["owner"], works["employer"], ["view_workers"])
    revoke = ok(
        foreign,
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { id } errors { code } } }",
        {"id": gid("ApiToken", mine.pk)},
    )["revokeApiToken"]
    assert revoke == {"apiToken": None, "errors": [{"code": "NOT_FOUND"}]}
    assert ok(foreign, NODE, {"id": gid("ApiToken", mine.pk)})["node"] is None


def test_integrations_holders_see_and_revoke_the_sponsors_tokens(gql, works):
    clerk, viewer = factories.user(), factories.user()
    delegate(works["employer"], clerk, ["view_workers", "integrations"], by=works["owner"])
    delegate(works["employer"], viewer, ["view_workers"], by=works["owner"])
    _, raw = token(clerk, works["employer"], ["view_workers"])
    query = """query($id: ID!) { sponsor(id: $id) {
      apiTokens(first: 5) { edges { node { id createdBy } } } } }"""
    s = sponsor_gid(works["employer"])
    gql.login(viewer)
    assert gql(query, {"id": s})["data"]["sponsor"]["apiTokens"]["edges"] == []
    gql.login(works["owner"])
    [edge] = gql(query, {"id": s})["data"]["sponsor"]["apiTokens"]["edges"]
    assert edge["node"]["createdBy"] == clerk.username
    revoked = gql(
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt } errors { code } } }",
        {"id": edge["node"]["id"]},
    )["data"]["revokeApiToken"]
    assert revoked["errors"] == [] and revoked["apiToken"]["revokedAt"]
    assert as_token(raw, PERMITS).status_code == 401
    assert AuditEntry.objects.filter(action="token_revoked", actor=works["owner"]).exists()


def test_a_token_cannot_make_tokens_or_register(works):
    _, raw = token(works["owner"], works["employer"], ["view_workers", "integrations"])
    made = ok(
        raw,
        CREATE_TOKEN,
        {
            "s": sponsor_gid(works["employer"]),
            "n": "again",
            "scopes": ["VIEW_WORKERS"],
            "until": until(5),
        },
    )["createApiToken"]
    assert [e["code"] for e in made["errors"]] == ["SIGN_IN_AS_YOURSELF"]
    registered = ok(
        raw,
        'mutation { registerCompany(commercialRegistration: "1", manpowerFileNumber: "MPA-1") '
        "{ sponsor { id } errors { code } } }",
    )["registerCompany"]
    assert registered == {"sponsor": None, "errors": [{"code": "SIGN_IN_AS_YOURSELF"}]}
    assert ApiToken.objects.count() == 1
