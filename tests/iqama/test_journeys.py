"""Whole journeys through the running service, as its users go: the preview, the application,
its checks watched live over a websocket, the KNET sandbox payment, and the document issued."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.applications.kinds.renewal import add_months
from core.models import ResidencyPermit
from core.visits.models import VisitPermit
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


VISIT_PREVIEW = """query($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  applicationPreview(kind: VISIT, sponsorId: $sponsor, people: $people) {
    preview { total people { eligible months durations { maxMonths limitedBy }
      missingDocuments { kind } lines { kind amount } problems { code } } }
    errors { code } } }"""
INVITE = """mutation($sponsor: ID!, $visitors: [ApplicationPersonInput!]!) {
  createVisitApplication(sponsorId: $sponsor, visitors: $visitors) {
    application { id state } errors { code message } } }"""
VISIT_PERMITS = """{ myVisitPermits { number status validFrom validUntil downloadUrl } }"""
VERIFY = """query($code: String!) { verifyVisitPermit(code: $code) { number status } }"""


def test_a_family_visit_from_the_preview_to_the_visit_permit(journey, household):
    h = household
    give_profile(h["head"], CLEAN)
    me = journey(h["user"])
    sponsor = to_base64("Sponsor", h["sponsor"].pk)
    mother = {
        "visitor": {
            "passportNumber": "A12345678",
            "nationality": "IND",
            "nameEn": "Lakshmi Kumar",
            "nameAr": "لاكشمي كومار",
            "dateOfBirth": "1958-04-02",
            "sex": "FEMALE",
            "passportExpiry": "2031-01-31",
        },
        "relation": "PARENT",
    }
    preview = me.graphql(VISIT_PREVIEW, {"sponsor": sponsor, "people": [mother]})
    [person] = preview["applicationPreview"]["preview"]["people"]
    assert person["eligible"] and person["months"] == 3
    assert person["lines"] == [{"kind": "VISIT_FEE", "amount": "30.000"}]
    assert {"RETURN_TICKET", "TRAVEL_INSURANCE"} <= {m["kind"] for m in person["missingDocuments"]}

    created = me.graphql(INVITE, {"sponsor": sponsor, "visitors": [{**mother, "months": 2}]})
    assert created["createVisitApplication"]["errors"] == []
    app_id = created["createVisitApplication"]["application"]["id"]
    me.subscribe("visit", WATCH, {"id": app_id})
    assert me.graphql(SUBMIT, {"id": app_id})["submitApplication"]["errors"] == []
    events = me.until("visit", reaches("AWAITING_PAYMENT"))
    agencies = {e["applicationUpdated"]["event"]["agency"] for e in events} - {None}
    assert agencies == {"FINES", "COURTS"}  # on the host
    assert events[-1]["applicationUpdated"]["amountDue"] == "20.000"

    me.pay(app_id, "visit-journey-1")
    me.until("visit", reaches("ISSUED"))
    assert me.receipt(app_id).startswith(b"%PDF")
    [permit] = me.graphql(VISIT_PERMITS)["myVisitPermits"]
    assert permit["status"] == "VALID"
    pdf = me.download(permit["downloadUrl"])
    assert pdf.startswith(b"%PDF")
    code = VisitPermit.objects.get().verification_code
    checked = me.graphql(VERIFY, {"code": code})["verifyVisitPermit"]
    assert checked == {"number": permit["number"], "status": "VALID"}


TRANSFER_PREVIEW = """query($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  applicationPreview(kind: TRANSFER, sponsorId: $sponsor, people: $people) {
    preview { total people { eligible months lines { kind amount } problems { code } } }
    errors { code } } }"""
ASK_TRANSFER = """mutation($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  createTransferApplication(sponsorId: $sponsor, people: $people) {
    application { id state } errors { code message } } }"""
ASKED = """{ transferConsents(pendingOnly: true) { id party } }"""
DECIDE = """mutation($id: ID!) { decideTransferConsent(consentId: $id, consent: true) {
  consent { decision } errors { code } } }"""
PERMIT = """query($id: ID!) { node(id: $id) { ... on ResidencyPermit { article
  sponsor { id } history { kind note } } } }"""


def test_a_transfer_from_the_preview_to_the_receipt(journey):
    home = factories.domestic_worker(years=2)
    give_profile(home["maid"], lambda p: CLEAN(p) and p.valid_work_permit)
    company, [staff] = factories.company("Gulf Hospitality")
    hr, household, maid = journey(staff), journey(home["user"]), journey(home["maid"].user)
    sponsor = to_base64("Sponsor", company.pk)
    people = [
        {
            "civilId": home["maid"].civil_id,
            "nameEn": home["maid"].name_en,
            "passportNumber": home["maid"].passport_number,
            "toArticle": 18,
            "months": 12,
        }
    ]

    preview = hr.graphql(TRANSFER_PREVIEW, {"sponsor": sponsor, "people": people})
    [person] = preview["applicationPreview"]["preview"]["people"]
    assert person["eligible"] and person["problems"] == []
    fees = sorted(line["amount"] for line in person["lines"] if line["kind"] == "TRANSFER_FEE")
    assert fees == ["20.000", "50.000"]  # once, and two years with the household

    created = hr.graphql(ASK_TRANSFER, {"sponsor": sponsor, "people": people})
    assert created["createTransferApplication"]["errors"] == []
    app_id = created["createTransferApplication"]["application"]["id"]
    hr.subscribe("transfer", WATCH, {"id": app_id})
    maid.subscribe("own", OWN)
    assert hr.graphql(SUBMIT, {"id": app_id})["submitApplication"]["errors"] == []
    hr.until("transfer", reaches("WAITING_FOR_CONSENT"))

    for party in (household, maid):
        [asked] = party.graphql(ASKED)["transferConsents"]
        assert party.graphql(DECIDE, {"id": asked["id"]})["decideTransferConsent"]["errors"] == []
    events = hr.until("transfer", reaches("AWAITING_PAYMENT"))
    kinds = [e["applicationUpdated"]["event"]["kind"] for e in events]
    assert kinds.count("CONSENT") == 2
    checks = {e["applicationUpdated"]["event"]["agency"] for e in events} - {None}
    assert checks == {"HEALTH", "FINES", "COURTS", "MANPOWER"}
    assert events[-1]["applicationUpdated"]["amountDue"] == "90.000"  # 20 + 50 + 20, insured
    # She watched her own transfer live: her checks, never the amounts.
    seen = maid.until(
        "own", lambda d: d["myResidencyUpdated"]["event"]["toState"] == "AWAITING_PAYMENT"
    )
    assert all(d["myResidencyUpdated"]["event"]["amount"] in (None, "0.000") for d in seen)

    hr.pay(app_id, "transfer-journey-1")
    hr.until("transfer", reaches("ISSUED"))
    assert hr.receipt(app_id).startswith(b"%PDF")
    permit_id = to_base64("ResidencyPermit", home["permit"].pk)
    moved = hr.graphql(PERMIT, {"id": permit_id})["node"]
    assert moved["article"] == 18 and moved["sponsor"]["id"] == sponsor
    assert moved["history"][-1] == {
        "kind": "SPONSOR_TRANSFERRED",
        "note": "Transferred from Art. 20 to Art. 18",
    }
    assert household.graphql(PERMIT, {"id": permit_id})["node"] is None
