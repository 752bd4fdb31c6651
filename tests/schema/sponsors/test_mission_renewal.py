"""A mission's Art. 17 renewal end to end through GraphQL: the back office registers the
embassy with its owner, the owner grants a clerk RENEW and PAY, the clerk renews an attaché and
pays through KNET; a revoked delegate and another company's token are refused all along; the
owner reads who did what in the audit log."""

from __future__ import annotations

import pytest

from core.applications.states import State
from core.articles import Article, Relation
from core.households import Member, join
from core.models import Sponsor
from tests import factories
from tests.payments.conftest import START
from tests.support.applications import give_profile, run_all
from tests.support.staff import AUDIT, GRANT, NODE, RENEW, REVOKE, person_gid, sponsor_gid, token

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
REGISTER = """mutation($owner: String!) {
  registerGovernmentOrMission(kind: MISSION, nameEn: "Embassy of Ruritania",
    nameAr: "سفارة روريتانيا", ownerUsername: $owner) { sponsor { id } errors { code } } }"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state } errors { code } } }"""
STATE = "query($id: ID!) { node(id: $id) { ... on RenewalApplication { state } } }"


def test_a_missions_art_17_renewal_from_registration_to_payment(gql, sandbox, payer):
    head, clerk, leaver = factories.user(), factories.user(), factories.user()
    gql.login(factories.user(is_staff=True))
    mission_id = gql(REGISTER, {"owner": head.username})["data"]["registerGovernmentOrMission"][
        "sponsor"
    ]["id"]
    mission = Sponsor.objects.get(kind="mission")
    attache = join(
        mission,
        Member(factories.spec(name_en="Attache One"), Relation.EMPLOYEE, Article.GOVERNMENT, 40),
    ).person
    give_profile(attache, CLEAN)

    gql.login(head)
    for user, scopes in ((clerk, ["RENEW", "PAY"]), (leaver, ["RENEW"])):
        granted = gql(GRANT, {"s": mission_id, "u": user.username, "scopes": scopes})
        assert granted["data"]["grantDelegate"]["errors"] == []
    leaver_row = gql(GRANT, {"s": mission_id, "u": leaver.username, "scopes": ["RENEW"]})["data"][
        "grantDelegate"
    ]["delegate"]["id"]
    assert gql(REVOKE, {"id": leaver_row})["data"]["revokeDelegate"]["errors"] == []
    other_company, (other_owner,) = factories.company("Other Co")
    _, foreign = token(other_owner, other_company, ["view_workers", "renew", "pay"])

    gql.login(clerk)
    person = {"s": mission_id, "p": person_gid(attache)}
    created = gql(RENEW, person)["data"]["createRenewal"]
    assert created["errors"] == []
    app_id = created["application"]["id"]
    assert gql(SUBMIT, {"id": app_id})["data"]["submitApplication"]["errors"] == []
    run_all(mission.applications.get())
    assert gql(STATE, {"id": app_id})["data"]["node"]["state"] == "AWAITING_PAYMENT"

    for intruder in ("leaver", "foreign"):
        if intruder == "leaver":
            gql.login(leaver)
        else:
            gql.client.logout()
            gql.token = foreign
        assert gql(NODE, {"id": app_id})["data"]["node"] is None
        assert gql(RENEW, person)["data"]["createRenewal"]["errors"] == [{"code": "NOT_FOUND"}]
        refused = gql(START, {"id": app_id, "key": f"intruder-{intruder}"})["data"]["startPayment"]
        assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    gql.token = None

    gql.login(clerk)
    started = gql(START, {"id": app_id, "key": "mission-renewal-1"})["data"]["startPayment"]
    assert started["errors"] == []
    payer.press(started["redirectUrl"], "approve")
    application = mission.applications.get()
    assert application.state in (State.PAID, State.ISSUED)

    gql.login(head)
    log = gql(AUDIT, {"id": sponsor_gid(mission)})["data"]["sponsor"]["auditLog"]["edges"]
    done = [(e["node"]["action"], e["node"]["actorName"]) for e in reversed(log)]
    assert done[0][0] == "SPONSOR_REGISTERED"
    assert ("DELEGATE_REVOKED", head.username) in done
    assert [d for d in done if d[1] == clerk.username] == [
        ("APPLICATION_CREATED", clerk.username),
        ("APPLICATION_SUBMITTED", clerk.username),
        ("PAYMENT_STARTED", clerk.username),
    ]
