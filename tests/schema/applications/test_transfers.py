"""Transfers over GraphQL: the new sponsor asks, the current sponsor and the person consent,
and what each side may see — before, during and after — and nothing for anyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from strawberry.relay import to_base64

from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.models import Application, Consent
from core.applications.states import State
from tests import factories
from tests.conftest import GraphQLClient
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
WORKS = lambda p: p.fully_insured and not p.fines and not p.court_records and p.valid_work_permit  # noqa: E731

CREATE = """mutation($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  createTransferApplication(sponsorId: $sponsor, people: $people) {
    application { __typename id kind reference state
      items { id civilId nameEn fromArticle toArticle relation months state
        holder { id } residency { id } consents { party decision } } }
    errors { field code message messageEn messageAr } } }"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state } errors { code } } }"""
ASKED = """query($pending: Boolean!) { transferConsents(pendingOnly: $pending) {
  id party decision fromArticle toArticle months newSponsorNameEn newSponsorNameAr
  applicationReference applicationState person { id nameEn } } }"""
DECIDE = """mutation($id: ID!, $consent: Boolean!, $note: String!) {
  decideTransferConsent(consentId: $id, consent: $consent, note: $note) {
    consent { party decision note } errors { field code message } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
APPLICATION = """query($id: ID!) { node(id: $id) { ... on TransferApplication { state
  items { state holder { id } checks { agency status } } } } }"""


def as_user(user) -> GraphQLClient:
    client = GraphQLClient(Client())
    client.login(user)
    return client


@pytest.fixture
def moving():
    home = factories.domestic_worker(years=2)
    give_profile(home["maid"], WORKS)
    company, [hr] = factories.company("Gulf Hospitality")
    return {**home, "company": company, "hr": hr}


def people(maid, **changes) -> list[dict]:
    return [
        {
            "civilId": maid.civil_id,
            "nameEn": maid.name_en,
            "passportNumber": maid.passport_number,
            "toArticle": 18,
            "months": 24,
            **changes,
        }
    ]


def ask(client, sponsor, maid, **changes) -> dict:
    variables = {"sponsor": to_base64("Sponsor", sponsor.pk), "people": people(maid, **changes)}
    return client(CREATE, variables)["data"]["createTransferApplication"]


def test_the_new_sponsor_asks_and_sees_only_what_it_named(moving):
    m = moving
    hr = as_user(m["hr"])
    result = ask(hr, m["company"], m["maid"])
    assert result["errors"] == []
    app = result["application"]
    assert app["__typename"] == "TransferApplication" and app["kind"] == "TRANSFER"
    assert app["reference"].startswith("TR-") and app["state"] == "DRAFT"
    [item] = app["items"]
    assert item["civilId"] == m["maid"].civil_id and item["relation"] == "EMPLOYEE"
    assert (item["fromArticle"], item["toArticle"], item["months"]) == (20, 18, 24)
    # Not hers to see yet: no person record, no permit.
    assert item["holder"] is None and item["residency"] is None and item["consents"] == []
    maid_id = to_base64("Person", m["maid"].pk)
    assert hr(NODE, {"id": maid_id})["data"]["node"] is None


def test_wrong_details_are_one_typed_answer_in_both_languages(moving):
    m = moving
    hr = as_user(m["hr"])
    result = ask(hr, m["company"], m["maid"], passportNumber="P0000000")
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("TRANSFER_PERSON_NOT_FOUND", "people.0")
    assert error["messageAr"] and error["messageEn"] != error["messageAr"]
    assert result["application"] is None and not Application.objects.exists()


def test_consents_live_with_their_parties_and_visibility_moves_on_issue(moving):
    m = moving
    hr, home, maid = as_user(m["hr"]), as_user(m["user"]), as_user(m["maid"].user)
    app_id = ask(hr, m["company"], m["maid"])["application"]["id"]
    assert hr(SUBMIT, {"id": app_id})["data"]["submitApplication"]["application"] == {
        "state": "WAITING_FOR_CONSENT"
    }

    [asked] = home(ASKED, {"pending": True})["data"]["transferConsents"]
    assert asked["party"] == "CURRENT_SPONSOR" and asked["decision"] == "PENDING"
    assert asked["newSponsorNameEn"] == m["company"].name_en and asked["newSponsorNameAr"]
    assert asked["person"]["nameEn"] == m["maid"].name_en  # theirs, still
    assert (asked["fromArticle"], asked["toArticle"], asked["months"]) == (20, 18, 24)
    # The household sees the consent asked of it, never the company's application.
    assert home(NODE, {"id": app_id})["data"]["node"] is None
    # The company's own consent was given by submitting; the others are not asked of it.
    [own] = hr(ASKED, {"pending": False})["data"]["transferConsents"]
    assert (own["party"], own["decision"]) == ("NEW_SPONSOR", "GIVEN")
    assert hr(ASKED, {"pending": True})["data"]["transferConsents"] == []

    decided = home(DECIDE, {"id": asked["id"], "consent": True, "note": "with our blessing"})
    assert decided["data"]["decideTransferConsent"] == {
        "consent": {"party": "CURRENT_SPONSOR", "decision": "GIVEN", "note": "with our blessing"},
        "errors": [],
    }
    [hers] = maid(ASKED, {"pending": True})["data"]["transferConsents"]
    assert hers["party"] == "HOLDER"
    maid(DECIDE, {"id": hers["id"], "consent": True, "note": ""})

    application = Application.objects.get()
    assert application.state == State.CHECKING
    run_all(application)
    seen = hr(APPLICATION, {"id": app_id})["data"]["node"]
    assert seen["state"] == "AWAITING_PAYMENT"
    assert {c["status"] for c in seen["items"][0]["checks"]} == {"CLEAR"}

    # Issued (the payment's own tests cover KNET): she is the company's now, not the home's.
    items = list(application.items.all())
    TRANSFER.issue(items[0], application.created_at.date())
    maid_id = to_base64("Person", m["maid"].pk)
    permit_id = to_base64("ResidencyPermit", m["permit"].pk)
    assert hr(NODE, {"id": maid_id})["data"]["node"] == {"id": maid_id}
    assert hr(NODE, {"id": permit_id})["data"]["node"] == {"id": permit_id}
    assert home(NODE, {"id": maid_id})["data"]["node"] is None
    assert home(NODE, {"id": permit_id})["data"]["node"] is None
    [consent] = home(ASKED, {"pending": False})["data"]["transferConsents"]
    assert consent["person"] is None  # out of the home's sight from the transfer on


def test_nobody_else_sees_or_decides_a_consent(moving, other_family):
    m = moving
    hr = as_user(m["hr"])
    app_id = ask(hr, m["company"], m["maid"])["application"]["id"]
    hr(SUBMIT, {"id": app_id})
    consent = Consent.objects.get(party="current_sponsor")
    consent_id = to_base64("TransferConsent", consent.pk)
    stranger = as_user(other_family["user"])
    assert stranger(ASKED, {"pending": False})["data"]["transferConsents"] == []
    assert stranger(NODE, {"id": consent_id})["data"]["node"] is None
    for client in (stranger, hr):
        answer = client(DECIDE, {"id": consent_id, "consent": True, "note": ""})
        assert answer["data"]["decideTransferConsent"]["errors"][0]["code"] == "NOT_FOUND"
    assert Consent.objects.get(pk=consent.pk).decision == "pending"
    anonymous = GraphQLClient(Client())
    answer = anonymous(DECIDE, {"id": consent_id, "consent": True, "note": ""})
    assert answer["data"]["decideTransferConsent"]["errors"][0]["code"] == "NOT_FOUND"
