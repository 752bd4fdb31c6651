"""Owners grant delegates scopes and revoke them at once; each scope opens what it names and
nothing more; another company, a revoked delegate and a delegate without the scope get what a
stranger gets (nothing: null, empty, NOT_FOUND)."""

from __future__ import annotations

import pytest

from core.models import AuditEntry, SponsorStaff
from core.scopes import Scope
from tests import factories
from tests.support.applications import give_profile, run_all
from tests.support.staff import (
    AUDIT,
    EMPLOYERS,
    GRANT,
    NODE,
    PERMITS,
    RENEW,
    REVOKE,
    STAFF,
    delegate,
    gid,
    person_gid,
    sponsor_gid,
    token,
)

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731

SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state } errors { code } } }"""
CANCEL = """mutation($id: ID!) { cancelApplication(applicationId: $id) {
  application { state } errors { code } } }"""
PAY = """mutation($id: ID!) { startPayment(applicationId: $id, idempotencyKey: "pay-it-once-1") {
  payment { id } errors { code } } }"""


@pytest.fixture
def works() -> dict:
    """A company (its owner signs in) with a worker whose permit is due, and a clerk."""
    built = factories.employed_worker()
    give_profile(built["worker"], lambda p: CLEAN(p) and p.valid_work_permit)
    built["owner"] = built["staff"]
    built["clerk"] = factories.user()
    return built


def grant(gql, works, user, scopes, *, as_user=None) -> dict:
    gql.login(as_user or works["owner"])
    variables = {"s": sponsor_gid(works["employer"]), "u": user.username, "scopes": scopes}
    return gql(GRANT, variables)["data"]["grantDelegate"]


def test_the_owner_grants_a_delegate_who_then_sees_the_workers(gql, works):
    granted = grant(gql, works, works["clerk"], ["VIEW_WORKERS"])
    assert granted["errors"] == []
    delegate_row = granted["delegate"]
    assert delegate_row["role"] == "DELEGATE" and delegate_row["scopes"] == ["VIEW_WORKERS"]
    assert delegate_row["grantedBy"] == works["owner"].username and delegate_row["grantedAt"]

    gql.login(works["clerk"])
    permits = gql(PERMITS)["data"]["permits"]
    assert permits["totalCount"] == 1
    assert permits["edges"][0]["node"]["holder"]["id"] == person_gid(works["worker"])
    [employer] = gql(EMPLOYERS)["data"]["me"]["employers"]
    assert employer == {"id": sponsor_gid(works["employer"]), "myScopes": ["VIEW_WORKERS"]}
    # Seeing is not renewing.
    refused = gql(RENEW, {"s": sponsor_gid(works["employer"]), "p": person_gid(works["worker"])})
    assert refused["data"]["createRenewal"] == {
        "application": None,
        "errors": [{"code": "NOT_FOUND"}],
    }


def test_revoking_takes_effect_on_the_next_request(gql, works):
    granted = grant(gql, works, works["clerk"], ["VIEW_WORKERS", "RENEW"])
    gql.login(works["clerk"])
    assert gql(PERMITS)["data"]["permits"]["totalCount"] == 1

    gql.login(works["owner"])
    revoked = gql(REVOKE, {"id": granted["delegate"]["id"]})["data"]["revokeDelegate"]
    assert revoked["errors"] == []
    assert revoked["delegate"]["revokedBy"] == works["owner"].username
    assert revoked["delegate"]["scopes"] == []
    assert revoked["delegate"]["grantedScopes"] == ["VIEW_WORKERS", "RENEW"]

    gql.login(works["clerk"])
    assert gql(PERMITS)["data"]["permits"]["totalCount"] == 0
    assert gql(EMPLOYERS)["data"]["me"]["employers"] == []
    assert gql(NODE, {"id": person_gid(works["worker"])})["data"]["node"] is None
    assert gql(NODE, {"id": sponsor_gid(works["employer"])})["data"]["node"] is None
    refused = gql(RENEW, {"s": sponsor_gid(works["employer"]), "p": person_gid(works["worker"])})
    assert refused["data"]["createRenewal"]["errors"] == [{"code": "NOT_FOUND"}]

    # Granting again brings the same row back, with the new scopes.
    again = grant(gql, works, works["clerk"], ["PAY"])
    assert again["delegate"]["id"] == granted["delegate"]["id"]
    assert (
        again["delegate"]["scopes"] == ["VIEW_WORKERS", "PAY"]
        and not again["delegate"]["revokedAt"]
    )


def test_each_scope_opens_only_what_it_names(gql, works):
    renewer, payer = works["clerk"], factories.user()
    grant(gql, works, renewer, ["RENEW"])
    grant(gql, works, payer, ["PAY"])
    s, p = sponsor_gid(works["employer"]), person_gid(works["worker"])

    gql.login(renewer)
    created = gql(RENEW, {"s": s, "p": p})["data"]["createRenewal"]
    assert created["errors"] == []
    app_id = created["application"]["id"]
    assert gql(SUBMIT, {"id": app_id})["data"]["submitApplication"]["errors"] == []
    run_all(SponsorStaff.objects.get(user=renewer).sponsor.applications.get())
    refused = gql(PAY, {"id": app_id})["data"]["startPayment"]
    assert refused == {"payment": None, "errors": [{"code": "NOT_FOUND"}]}

    gql.login(payer)  # sees the application, may pay it, may not change it
    assert gql(NODE, {"id": app_id})["data"]["node"] == {"id": app_id}
    assert gql(CANCEL, {"id": app_id})["data"]["cancelApplication"]["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    paid = gql(PAY, {"id": app_id})["data"]["startPayment"]
    assert paid["errors"] == [] and paid["payment"]["id"]

    gql.login(renewer)
    assert gql(CANCEL, {"id": app_id})["data"]["cancelApplication"]["errors"] == []


def test_a_delegate_gives_and_takes_only_scopes_they_hold(gql, works):
    manager, other = works["clerk"], factories.user()
    grant(gql, works, manager, ["VIEW_WORKERS", "MANAGE_DELEGATES"])
    paid = grant(gql, works, factories.user(), ["PAY"])

    more = grant(gql, works, other, ["RENEW"], as_user=manager)
    [error] = more["errors"]
    assert (error["code"], error["field"]) == ("SCOPE_NOT_HELD", "scopes")
    assert "renew" in error["messageEn"] and error["messageAr"]
    assert grant(gql, works, other, ["VIEW_WORKERS"], as_user=manager)["errors"] == []

    gql.login(manager)
    taking = gql(REVOKE, {"id": paid["delegate"]["id"]})["data"]["revokeDelegate"]
    assert taking["errors"] == [
        {"field": "scopes", "code": "SCOPE_NOT_HELD", "message": taking["errors"][0]["message"]}
    ]
    owner_row = SponsorStaff.objects.get(user=works["owner"])
    touching_owner = gql(REVOKE, {"id": gid("SponsorStaff", owner_row.pk)})["data"][
        "revokeDelegate"
    ]
    assert touching_owner["errors"][0]["code"] == "OWNER_UNCHANGEABLE"
    demoting = grant(gql, works, works["owner"], ["VIEW_WORKERS"], as_user=manager)
    assert demoting["errors"][0]["code"] == "OWNER_UNCHANGEABLE"
    assert (
        grant(gql, works, manager, ["VIEW_WORKERS"], as_user=manager)["errors"][0]["code"]
        == "NOT_YOURSELF"
    )


def test_strangers_and_delegates_without_the_scope_cannot_manage_or_see_staff(gql, works):
    granted = grant(gql, works, works["clerk"], ["VIEW_WORKERS", "RENEW", "PAY", "INTEGRATIONS"])
    _, (stranger,) = factories.company()
    s = sponsor_gid(works["employer"])
    for user in (works["clerk"], stranger):
        gql.login(user)
        refused = gql(GRANT, {"s": s, "u": factories.user().username, "scopes": ["VIEW_WORKERS"]})
        assert refused["data"]["grantDelegate"]["errors"][0]["code"] == "NOT_FOUND"
        revoke = gql(REVOKE, {"id": granted["delegate"]["id"]})["data"]["revokeDelegate"]
        assert revoke == {
            "delegate": None,
            "errors": [{"field": "id", "code": "NOT_FOUND", "message": "Not found."}],
        }
        assert gql(NODE, {"id": granted["delegate"]["id"]})["data"]["node"] is None
    gql.login(works["clerk"])  # sees the company, not its staff
    assert gql(STAFF, {"id": s})["data"]["sponsor"]["staff"]["edges"] == []
    gql.login(stranger)
    assert gql(STAFF, {"id": s})["data"]["sponsor"] is None
    assert (
        SponsorStaff.objects.get(pk=SponsorStaff.objects.get(user=works["clerk"]).pk).revoked_at
        is None
    )


def test_the_owner_sees_the_staff_and_the_audit_log_no_one_else_does(gql, works):
    granted = grant(gql, works, works["clerk"], ["VIEW_WORKERS", "MANAGE_DELEGATES"])
    gql.login(works["owner"])
    gql(REVOKE, {"id": granted["delegate"]["id"]})
    s = sponsor_gid(works["employer"])

    staff = [e["node"] for e in gql(STAFF, {"id": s})["data"]["sponsor"]["staff"]["edges"]]
    assert [(n["username"], n["role"]) for n in staff] == [
        (works["owner"].username, "OWNER"),
        (works["clerk"].username, "DELEGATE"),
    ]
    assert staff[0]["scopes"] == [scope.upper() for scope in Scope.values]
    assert staff[1]["revokedBy"] == works["owner"].username

    log = [e["node"] for e in gql(AUDIT, {"id": s})["data"]["sponsor"]["auditLog"]["edges"]]
    assert [n["action"] for n in log] == ["DELEGATE_REVOKED", "DELEGATE_GRANTED"]
    assert {n["actorName"] for n in log} == {works["owner"].username}
    assert log[1]["detail"]["scopes"] == ["view_workers", "manage_delegates"]
    assert log[1]["targetType"] == "SponsorStaff"

    manager = factories.user()  # every scope but ownership: still no audit log
    grant(gql, works, manager, [s.upper() for s in Scope.values])
    gql.login(manager)
    assert gql(AUDIT, {"id": s})["data"]["sponsor"]["auditLog"]["edges"] == []
    officer = factories.user(is_staff=True)
    gql.login(officer)
    assert len(gql(AUDIT, {"id": s})["data"]["sponsor"]["auditLog"]["edges"]) == 3


def test_bad_grants_are_typed_bilingual_errors(gql, works):
    unknown = grant(gql, works, factories.user(), [])
    assert unknown["errors"][0]["code"] == "SCOPES_REQUIRED" and unknown["errors"][0]["messageAr"]
    gql.login(works["owner"])
    nobody = gql(
        GRANT, {"s": sponsor_gid(works["employer"]), "u": "nobody-here", "scopes": ["PAY"]}
    )["data"]["grantDelegate"]
    assert (nobody["errors"][0]["field"], nobody["errors"][0]["code"]) == (
        "username",
        "USER_NOT_FOUND",
    )
    family = factories.family()  # an individual's file has no staff
    individual = gql(
        GRANT,
        {"s": sponsor_gid(family["sponsor"]), "u": works["clerk"].username, "scopes": ["PAY"]},
    )
    assert individual["data"]["grantDelegate"]["errors"][0]["code"] == "NOT_FOUND"
    assert not AuditEntry.objects.filter(action="delegate_granted").exists()


def test_a_revoked_delegates_tokens_are_revoked_with_them(gql, works):
    scopes = ["view_workers", "integrations"]
    row = delegate(works["employer"], works["clerk"], scopes, by=works["owner"])
    issued, _ = token(works["clerk"], works["employer"], ["view_workers"])
    gql.login(works["owner"])
    gql(REVOKE, {"id": gid("SponsorStaff", row.pk)})
    issued.refresh_from_db()
    assert issued.revoked_at is not None and issued.revoked_by == works["owner"]
    entries = AuditEntry.objects.filter(sponsor=works["employer"]).order_by("-id")
    assert list(entries.values_list("action", flat=True)[:2]) == [
        "token_revoked",
        "delegate_revoked",
    ]
