"""Every query and mutation of issue 13's foundation, asked about one company by those who may
not: another company (signed in, and through its token), a revoked delegate, a delegate without
the scope, an expired token. Each gets what a stranger gets: null, empty, NOT_FOUND, 401."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from core.applications.kinds import PersonChoice
from core.applications.services import application_create
from core.models import ApiToken, AuditEntry, SponsorStaff
from core.sponsors.delegates import delegate_revoke
from tests import factories
from tests.support import documents as samples
from tests.support.staff import (
    CREATE_TOKEN,
    GRANT,
    RENEW,
    REVOKE,
    delegate,
    gid,
    person_gid,
    sponsor_gid,
    token,
    until,
)

pytestmark = pytest.mark.django_db

SPONSOR = """query($id: ID!) { sponsor(id: $id) { id myScopes
  staff(first: 10) { totalCount } apiTokens(first: 10) { totalCount }
  auditLog(first: 10) { totalCount } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
REVOKE_TOKEN = """mutation($id: ID!) { revokeApiToken(id: $id) {
  apiToken { id } errors { code } } }"""
PAY = """mutation($id: ID!) { startPayment(applicationId: $id, idempotencyKey: "matrix-pay-1") {
  payment { id } errors { code } } }"""
DOCUMENTS = "query($id: ID) { documents(ownerId: $id) { totalCount } }"
UPLOAD = """mutation($o: ID!, $f: Upload!) {
  uploadDocument(ownerId: $o, kind: COMMERCIAL_LICENCE, file: $f, expiresOn: "2099-01-01") {
    document { id } errors { code } } }"""
PUBLIC = """mutation { registerGovernmentOrMission(kind: MISSION, nameEn: "Embassy X",
  nameAr: "سفارة", ownerUsername: "nobody") { sponsor { id } errors { code } } }"""


class Principal:
    """Someone asking: a session, or a bearer token."""

    def __init__(self, *, user=None, raw: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
        if user is not None:
            self.client.force_login(user)

    def post(self, query: str, variables: dict | None = None):
        return self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **self.headers,
        )

    def upload(self, owner_id: str):
        operations = {"query": UPLOAD, "variables": {"o": owner_id, "f": None}}
        return self.client.post(
            "/graphql/",
            {
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.f"]}),
                "0": SimpleUploadedFile("licence.pdf", samples.pdf(), "application/pdf"),
            },
            **self.headers,
        )


@pytest.fixture
def target():
    """A company with everything the matrix asks about: a delegate, a token, an audit log, its
    papers' owner, an application."""
    works = factories.employed_worker()
    company, owner = works["employer"], works["staff"]
    manager = factories.user()
    row = delegate(company, manager, ["view_workers", "manage_delegates"], by=owner)
    issued, _ = token(owner, company, ["view_workers"])
    app = application_create(
        actor=owner,
        kind="renewal",
        sponsor_id=company.pk,
        people=[PersonChoice(works["worker"].pk, 12)],
    )
    return {
        **works,
        "company": company,
        "owner": owner,
        "delegate_id": gid("SponsorStaff", row.pk),
        "delegate_pk": row.pk,
        "token_id": gid("ApiToken", issued.pk),
        "token_pk": issued.pk,
        "audit_id": gid("AuditEntry", AuditEntry.objects.filter(sponsor=company).first().pk),
        "app_id": gid("RenewalApplication", app.pk),
    }


@pytest.fixture(
    params=[
        "other company",
        "revoked delegate",
        "delegate without the scope",
        "expired token",
        "other company's token",
    ]
)
def intruder(request, target):
    company, owner = target["company"], target["owner"]
    kind = request.param
    if kind in ("other company", "other company's token"):
        other, (other_owner,) = factories.company("Other Co")
        if kind == "other company":
            return kind, Principal(user=other_owner)
        everything = ["view_workers", "renew", "pay", "manage_delegates", "integrations"]
        return kind, Principal(raw=token(other_owner, other, everything)[1])
    if kind == "revoked delegate":
        user = factories.user()
        row = delegate(
            company,
            user,
            ["view_workers", "renew", "pay", "manage_delegates", "integrations"],
            by=owner,
        )
        delegate_revoke(actor=owner, delegate_id=row.pk)
        return kind, Principal(user=user)
    if kind == "delegate without the scope":
        user = factories.user()
        delegate(company, user, ["view_workers"], by=owner)
        return kind, Principal(user=user)
    issued, raw = token(owner, company, ["view_workers", "renew", "pay", "manage_delegates"])
    ApiToken.objects.filter(pk=issued.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return kind, Principal(raw=raw)


def test_an_intruder_gets_what_a_stranger_gets(target, intruder):
    kind, who = intruder
    company_id = sponsor_gid(target["company"])
    if kind == "expired token":
        for query, variables in ((SPONSOR, {"id": company_id}), (NODE, {"id": target["app_id"]})):
            response = who.post(query, variables)
            assert response.status_code == 401, response.content
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return

    def data(query: str, variables: dict | None = None) -> dict:
        response = who.post(query, variables)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    sponsor = data(SPONSOR, {"id": company_id})["sponsor"]
    if kind == "delegate without the scope":  # sees the company and its workers, nothing more
        assert sponsor["myScopes"] == ["VIEW_WORKERS"]
        assert [sponsor[f]["totalCount"] for f in ("staff", "apiTokens", "auditLog")] == [0, 0, 0]
    else:
        assert sponsor is None
        assert data(NODE, {"id": target["app_id"]})["node"] is None
        assert data(NODE, {"id": person_gid(target["worker"])})["node"] is None
        assert data(DOCUMENTS, {"id": company_id})["documents"]["totalCount"] == 0
    for hidden in ("delegate_id", "token_id", "audit_id"):
        assert data(NODE, {"id": target[hidden]})["node"] is None, hidden

    variables = {"s": company_id, "u": factories.user().username, "scopes": ["VIEW_WORKERS"]}
    assert data(GRANT, variables)["grantDelegate"]["errors"][0]["code"] == "NOT_FOUND"
    assert (
        data(REVOKE, {"id": target["delegate_id"]})["revokeDelegate"]["errors"][0]["code"]
        == "NOT_FOUND"
    )
    made = data(
        CREATE_TOKEN,
        {"s": company_id, "n": "x", "scopes": ["VIEW_WORKERS"], "until": until(3)},
    )["createApiToken"]
    assert made["token"] is None
    assert made["errors"][0]["code"] in ("NOT_FOUND", "SIGN_IN_AS_YOURSELF")
    assert data(REVOKE_TOKEN, {"id": target["token_id"]})["revokeApiToken"] == {
        "apiToken": None,
        "errors": [{"code": "NOT_FOUND"}],
    }
    renewal = data(RENEW, {"s": company_id, "p": person_gid(target["worker"])})["createRenewal"]
    assert renewal["errors"] == [{"code": "NOT_FOUND"}]
    assert data(PAY, {"id": target["app_id"]})["startPayment"]["errors"] == [{"code": "NOT_FOUND"}]
    uploaded = who.upload(company_id).json()["data"]["uploadDocument"]
    assert uploaded == {"document": None, "errors": [{"code": "NOT_FOUND"}]}
    registered = data(PUBLIC)["registerGovernmentOrMission"]
    assert registered["errors"] == [{"code": "BACK_OFFICE_ONLY"}]

    assert ApiToken.objects.get(pk=target["token_pk"]).revoked_at is None
    assert SponsorStaff.objects.get(pk=target["delegate_pk"]).revoked_at is None
    assert not target["company"].documents.exists()
