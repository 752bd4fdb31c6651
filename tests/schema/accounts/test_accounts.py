"""Session login/logout (with CSRF) for browsers; hashed, revocable API tokens for systems."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from strawberry.relay import to_base64

from core.models import ApiToken
from core.services.accounts import api_token_authenticate
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = """mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { me { username } csrfToken errors { field code messageAr } }
}"""
ME = "{ me { username person { nameEn } } }"


def post(client: Client, query: str, variables=None, **headers):
    return client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )


def test_login_then_cookie_requests_need_the_csrf_token(family):
    client = Client(enforce_csrf_checks=True)
    login = post(client, LOGIN, {"u": family["user"].username, "p": factories.PASSWORD}).json()
    payload = login["data"]["login"]
    assert payload["me"]["username"] == family["user"].username
    token = payload["csrfToken"]

    refused = post(client, ME)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"

    allowed = post(client, ME, HTTP_X_CSRFTOKEN=token)
    assert allowed.json()["data"]["me"]["person"]["nameEn"] == "Head Of Family"

    post(client, "mutation { logout { ok } }", HTTP_X_CSRFTOKEN=token)
    after = post(client, ME, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert after.json()["data"]["me"] is None


def test_wrong_password_is_a_typed_bilingual_error(family):
    client = Client(enforce_csrf_checks=True)
    result = post(client, LOGIN, {"u": family["user"].username, "p": "nope"}).json()
    [error] = result["data"]["login"]["errors"]
    assert error["code"] == "INVALID_CREDENTIALS"
    assert error["messageAr"]
    assert result["data"]["login"]["me"] is None


def test_a_cross_site_form_post_is_refused_even_without_cookies(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/graphql/", {"query": "mutation { logout { ok } }"})
    assert response.status_code == 403


CREATE_TOKEN = """mutation($s: ID!, $n: String!, $scopes: [Scope!]!, $until: DateTime!) {
  createApiToken(sponsorId: $s, name: $n, scopes: $scopes, expiresAt: $until) {
    token apiToken { id name scopes activeScopes expiresAt sponsor { id } createdBy }
    errors { field code message messageAr }
  }
}"""


def create_token(gql, sponsor, *, scopes=("VIEW_WORKERS",), name="HR system", days=30):
    until = (timezone.now() + dt.timedelta(days=days)).isoformat()
    variables = {"s": gid(sponsor), "n": name, "scopes": list(scopes), "until": until}
    return gql(CREATE_TOKEN, variables)["data"]["createApiToken"]


def gid(sponsor) -> str:
    return to_base64("Sponsor", sponsor.pk)


def test_api_token_lifecycle(gql, db):
    company, (hr,) = factories.company()
    worker = factories.dependent(company, "employee", name_en="Token Worker")
    factories.permit(worker, company, article=18)
    gql.login(hr)
    created = create_token(gql, company, scopes=["RENEW"])
    assert created["errors"] == []
    assert created["apiToken"]["scopes"] == ["VIEW_WORKERS", "RENEW"]  # renewing implies seeing
    assert created["apiToken"]["activeScopes"] == ["VIEW_WORKERS", "RENEW"]
    assert created["apiToken"]["sponsor"] == {"id": gid(company)}
    raw = created["token"]
    assert raw.startswith("iqt_")
    stored = ApiToken.objects.get()
    assert raw.split("_", 2)[2] not in stored.key_hash  # only a hash is kept

    bearer = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: a system
    query = "{ permits { totalCount } myApiTokens { name } me { person { id } } }"
    ok = post(bearer, query, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert ok["data"]["permits"]["totalCount"] == 1
    assert ok["data"]["myApiTokens"] == []  # a token lists no tokens of its creator's
    assert ok["data"]["me"]["person"] is None  # it acts for the company, not as a person

    revoke = gql(
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt } errors { code } } }",
        {"id": created["apiToken"]["id"]},
    )["data"]["revokeApiToken"]
    assert revoke["errors"] == [] and revoke["apiToken"]["revokedAt"]

    refused = post(bearer, query, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert api_token_authenticate(raw) is None


def test_nobody_else_can_revoke_my_token(gql, family, other_family):
    gql.login(family["user"])
    created = create_token(gql, family["sponsor"], name="mine")
    token_id = created["apiToken"]["id"]
    gql.login(other_family["user"])
    result = gql(
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { id } errors { code } } }",
        {"id": token_id},
    )["data"]["revokeApiToken"]
    assert result == {"apiToken": None, "errors": [{"code": "NOT_FOUND"}]}
    assert ApiToken.objects.get().revoked_at is None
    assert gql("{ myApiTokens { name } }")["data"]["myApiTokens"] == []


def test_anonymous_cannot_create_a_token(gql, family):
    result = create_token(gql, family["sponsor"])
    assert result["token"] is None
    assert [e["code"] for e in result["errors"]] == ["NOT_AUTHENTICATED"]


def test_a_made_up_token_is_refused(db):
    response = post(Client(), ME, HTTP_AUTHORIZATION="Bearer iqt_abcdef123456_nope")
    assert response.status_code == 401
