"""Whole journeys through the running service, as its users go: the preview, the application,
its checks watched live over a websocket, the KNET sandbox payment, and the document issued."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.applications.kinds.renewal import add_months
from core.models import ResidencyPermit
from tests import factories
from tests.support.applications import give_profile

pytestmark = pytest.mark.django_db(transaction=True)
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731

PREVIEW = """query($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  applicationPreview(kind: RENEWAL, sponsorId: $sponsor, people: $people) {
    preview { total people { eligible months lines { kind amount provisional } problems { code } } }
    errors { code } } }"""
CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) {
    application { id state } errors { code message } } }"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state } errors { code message } } }"""
WATCH = """subscription($id: ID!) { applicationUpdated(id: $id) { state amountDue
  event { kind toState agency checkStatus } } }"""
OWN = """subscription { myResidencyUpdated { event { kind toState agency checkStatus amount }
  renewal { state months checks { agency status } } } }"""


def reaches(state):
    return lambda data: data["applicationUpdated"]["state"] == state


def test_a_self_sponsored_renewal_from_the_preview_to_the_receipt(journey):
    resident = factories.self_sponsored()
    give_profile(resident["person"], CLEAN)
    me = journey(resident["user"])
    sponsor = to_base64("Sponsor", resident["sponsor"].pk)
    people = [{"personId": to_base64("Person", resident["person"].pk), "months": 12}]

    preview = me.graphql(PREVIEW, {"sponsor": sponsor, "people": people})["applicationPreview"]
    [mine] = preview["preview"]["people"]
    assert mine["eligible"] and mine["problems"] == []
    fee = {line["kind"]: line for line in mine["lines"]}["RESIDENCY_FEE"]
    assert fee["amount"] == "500.000" and not fee["provisional"]

    created = me.graphql(CREATE, {"sponsor": sponsor, "people": people})["createRenewal"]
    assert created["errors"] == []
    app_id = created["application"]["id"]
    me.subscribe("app", WATCH, {"id": app_id})
    assert me.graphql(SUBMIT, {"id": app_id})["submitApplication"]["errors"] == []
    events = me.until("app", reaches("AWAITING_PAYMENT"))
    checks = {
        (
            e["applicationUpdated"]["event"]["agency"],
            e["applicationUpdated"]["event"]["checkStatus"],
        )
        for e in events
    }
    assert {("HEALTH", "CLEAR"), ("FINES", "CLEAR"), ("COURTS", "CLEAR")} <= checks
    assert events[-1]["applicationUpdated"]["amountDue"] == "500.000"  # insured: no cover due

    me.pay(app_id, "own-renewal-1")
    me.until("app", reaches("ISSUED"))
    assert me.receipt(app_id).startswith(b"%PDF")
    permit = ResidencyPermit.objects.get(pk=resident["permit"].pk)
    assert permit.expires_on == add_months(resident["permit"].expires_on, 12)


def test_a_worker_watches_his_renewal_by_the_employer_live(journey):
    works = factories.employed_worker()
    give_profile(works["worker"], lambda p: CLEAN(p) and p.valid_work_permit)
    other = factories.dependent(works["employer"], "employee", name_en="Worker Two")
    factories.permit(other, works["employer"], 18, days_left=40)
    give_profile(other, lambda p: CLEAN(p) and p.valid_work_permit)
    worker = journey(works["worker"].user)
    worker.subscribe("own", OWN)
    hr = journey(works["staff"])
    people = [
        {"personId": to_base64("Person", p.pk), "months": 12} for p in (works["worker"], other)
    ]
    sponsor = to_base64("Sponsor", works["employer"].pk)
    app_id = hr.graphql(CREATE, {"sponsor": sponsor, "people": people})["createRenewal"][
        "application"
    ]["id"]
    hr.graphql(SUBMIT, {"id": app_id})

    seen = worker.until(
        "own", lambda d: d["myResidencyUpdated"]["event"]["toState"] == "AWAITING_PAYMENT"
    )
    events = [d["myResidencyUpdated"]["event"] for d in seen]
    checks = [e for e in events if e["kind"] == "CHECK"]
    # His own four checks, each claimed and answered; nothing of the other worker's.
    assert len(checks) == 8 and {e["agency"] for e in checks} == {
        "HEALTH",
        "FINES",
        "COURTS",
        "MANPOWER",
    }
    last = seen[-1]["myResidencyUpdated"]["renewal"]
    assert last["state"] == "AWAITING_PAYMENT" and last["months"] == 12
    assert {c["status"] for c in last["checks"]} == {"CLEAR"}
