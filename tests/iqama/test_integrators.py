"""Companies and government bodies as integrators, end to end through the running service: a
company's HR system renews its workforce in bulk (a dry run, the job, its counts live, one KNET
payment for those who cleared, the receipt) while a revoked delegate's token and another
company's token are refused; a ministry renews its Art. 17 staff, who watch it."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core import households
from core.agencies.base import CourtRecordKind
from core.articles import Article, Relation
from core.households import Member, join
from core.scopes import Scope
from tests import factories
from tests.support.applications import give_profile

pytestmark = pytest.mark.django_db(transaction=True)
WORKS = lambda p: p.fully_insured and not p.fines and p.valid_work_permit  # noqa: E731
CLEAN = lambda p: WORKS(p) and not p.court_records  # noqa: E731
DEPORTED = lambda p: WORKS(p) and p.has_deportation_order  # noqa: E731
MERELY_SUED = lambda p: WORKS(p) and p.court_records_only(CourtRecordKind.OPEN_CASE)  # noqa: E731

BULK = """mutation($s: ID!, $w: [BulkWorkerInput!]!, $k: String!, $dry: Boolean!) {
  bulkRenewal(sponsorId: $s, workers: $w, idempotencyKey: $k, dryRun: $dry) {
    job { id state requested }
    dryRun { eligible refused total workers { position eligible problems { code } } }
    errors { code } } }"""
PROGRESS = """subscription($id: ID!) { bulkRenewalUpdated(id: $id) { done
  counts { requested refused checking awaitingPayment issued blocked }
  job { application { id state amountDue } } } }"""
GRANT = """mutation($s: ID!, $u: String!, $scopes: [Scope!]!) {
  grantDelegate(sponsorId: $s, username: $u, scopes: $scopes) {
    delegate { id scopes } errors { code } } }"""
REVOKE = (
    """mutation($id: ID!) { revokeDelegate(id: $id) { delegate { revokedAt } errors { code } } }"""
)
JOB = """query($id: ID!) { node(id: $id) { ... on BulkRenewal { requested } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
RENEW = """mutation($s: ID!, $p: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $s, people: $p, submit: true) {
    application { id state } errors { code } } }"""
WATCH = """subscription($id: ID!) { applicationUpdated(id: $id) { state amountDue
  event { kind agency checkStatus } } }"""
OWN = """subscription { myResidencyUpdated { event { kind toState agency checkStatus } } }"""


def employ(employer, name: str, traits, *, days: int = 30, article=Article.PRIVATE_SECTOR):
    person = join(
        employer,
        Member(factories.spec(name_en=name, login=True), Relation.EMPLOYEE, article, days),
        password=factories.PASSWORD,
    ).person
    give_profile(person, traits)
    return person


def refused(data: dict, field: str) -> str:
    return data[field]["errors"][0]["code"]


def test_a_company_renews_its_workforce_in_bulk(journey):
    company, [owner] = factories.company("Gulf Works")
    _, [rival_owner] = factories.company("Rival Trading")
    people = [
        employ(company, "Clean One", CLEAN),
        employ(company, "Sued Two", MERELY_SUED),  # an open case alone passes
        employ(company, "Not Yet", CLEAN, days=300),  # outside the renewal window
        employ(company, "Deported", DEPORTED),
    ]
    hr, theirs = journey(owner), journey(rival_owner)
    sponsor = to_base64("Sponsor", company.pk)
    workers = [{"civilId": p.civil_id, "months": 12} for p in people]
    asked = {"s": sponsor, "w": workers, "k": "hr-bulk-2026-12", "dry": True}

    dry = hr.graphql(BULK, asked)["bulkRenewal"]["dryRun"]
    assert (dry["eligible"], dry["refused"]) == (3, 1)  # the agencies are not asked yet
    made = hr.graphql(BULK, {**asked, "dry": False})["bulkRenewal"]
    assert made["errors"] == [] and made["job"]["state"] == "ACCEPTED"
    job_id = made["job"]["id"]

    # A delegate who may renew (and connect their HR tool), then revoked: their token gets
    # nothing from then on.
    clerk = factories.user()
    scopes = ["RENEW", "INTEGRATIONS"]
    granted = hr.graphql(GRANT, {"s": sponsor, "u": clerk.username, "scopes": scopes})
    delegate = granted["grantDelegate"]["delegate"]
    assert "RENEW" in delegate["scopes"]
    clerk_api = journey(clerk)
    assert clerk_api.graphql(JOB, {"id": job_id})["node"] == {"requested": 4}
    assert hr.graphql(REVOKE, {"id": delegate["id"]})["revokeDelegate"]["errors"] == []
    again = {"query": BULK, "variables": {**asked, "dry": False, "k": "intruder-0001"}}
    answer = clerk_api.http.post(
        f"{clerk_api.server.url}/graphql/", json=again, headers=clerk_api._auth()
    )
    assert answer.status_code == 401  # the revoked delegate's token is dead at once
    assert refused(theirs.graphql(again["query"], again["variables"]), "bulkRenewal") == "NOT_FOUND"
    assert theirs.graphql(JOB, {"id": job_id})["node"] is None

    hr.subscribe("bulk", PROGRESS, {"id": job_id})
    seen = hr.until(
        "bulk", lambda d: d["bulkRenewalUpdated"]["counts"]["awaitingPayment"] == 2, timeout=60
    )
    last = seen[-1]["bulkRenewalUpdated"]
    assert last["counts"] == {
        "requested": 4,
        "refused": 1,
        "checking": 0,
        "awaitingPayment": 2,
        "issued": 0,
        "blocked": 1,
    }
    application = last["job"]["application"]
    assert application["state"] == "AWAITING_PAYMENT"

    hr.pay(application["id"], "bulk-payment-0001")  # one KNET payment for both who cleared
    done = hr.until("bulk", lambda d: d["bulkRenewalUpdated"]["done"], timeout=60)
    assert done[-1]["bulkRenewalUpdated"]["counts"]["issued"] == 2
    assert hr.receipt(application["id"]).startswith(b"%PDF")


def test_a_ministry_renews_its_art_17_staff_who_watch_it(journey):
    ministry = households.government("Ministry of Health", "وزارة الصحة")
    owner = factories.user()
    ministry.staff.create(user=owner, role="owner", **dict.fromkeys(Scope.values, True))
    doctor = employ(ministry, "Dr. Rahman", CLEAN, article=Article.GOVERNMENT)
    _, [outsider] = factories.company("Rival Trading")
    hr, watcher, stranger = journey(owner), journey(doctor.user), journey(outsider)
    watcher.subscribe("own", OWN)

    made = hr.graphql(
        RENEW,
        {
            "s": to_base64("Sponsor", ministry.pk),
            "p": [{"personId": to_base64("Person", doctor.pk), "months": 24}],
        },
    )["createRenewal"]
    assert made["errors"] == [] and made["application"]["state"] == "CHECKING"
    app_id = made["application"]["id"]
    hr.subscribe("app", WATCH, {"id": app_id})
    hr.until("app", lambda d: d["applicationUpdated"]["state"] == "AWAITING_PAYMENT")
    assert stranger.graphql(NODE, {"id": app_id})["node"] is None

    hr.pay(app_id, "ministry-0001")
    hr.until("app", lambda d: d["applicationUpdated"]["state"] == "ISSUED")
    assert hr.receipt(app_id).startswith(b"%PDF")
    own = watcher.until(
        "own", lambda d: d["myResidencyUpdated"]["event"]["toState"] == "ISSUED", timeout=30
    )
    assert {e["myResidencyUpdated"]["event"]["agency"] for e in own} >= {"HEALTH", "COURTS"}
