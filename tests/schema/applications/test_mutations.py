"""Application mutations and queries over HTTP: a renewal created per kind, then submitted,
cancelled and listed as any application; payload errors and who may see what."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.applications.models import Application

pytestmark = pytest.mark.django_db

CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) {
    application { id reference state items { months state person { nameEn } } }
    errors { field code message messageAr }
  }
}"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state kind history { kind toState }
    ... on RenewalApplication { items { checks { agency status } } } }
  errors { code } } }"""
MINE = """{ myApplications(first: 10) { totalCount edges { node { __typename id kind state
  reference ... on RenewalApplication { items { person { nameEn } } } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


def people(*pairs):
    return [{"personId": to_base64("Person", p.pk), "months": m} for p, m in pairs]


def test_create_and_submit(gql, household):
    h = household
    gql.login(h["user"])
    created = gql(
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": people((h["wife"], 12), (h["maid"], 12)),
        },
    )["data"]["createRenewal"]
    assert created["errors"] == []
    assert created["application"]["state"] == "DRAFT"
    assert [i["person"]["nameEn"] for i in created["application"]["items"]] == [
        "Mona Hassan",
        "Ana Reyes",
    ]
    submitted = gql(SUBMIT, {"id": created["application"]["id"]})["data"]["submitApplication"]
    assert submitted["errors"] == []
    assert submitted["application"]["state"] == "CHECKING"
    assert submitted["application"]["kind"] == "RENEWAL"
    history = submitted["application"]["history"]
    assert [e["toState"] for e in history if e["kind"] == "TRANSITION"] == [
        "DRAFT",
        "SUBMITTED",
        "CHECKING",
    ]
    assert [e["kind"] for e in history].count("DOCUMENTS") == 1  # attached and reported
    checks = submitted["application"]["items"][0]["checks"]
    assert sorted(c["agency"] for c in checks) == ["COURTS", "FINES", "HEALTH"]
    mine = gql("{ myApplications(filters: {state: [CHECKING]}) { totalCount } }")
    assert mine["data"]["myApplications"]["totalCount"] == 1
    [edge] = gql(MINE)["data"]["myApplications"]["edges"]
    assert edge["node"]["__typename"] == "RenewalApplication"
    assert edge["node"]["id"] == created["application"]["id"]
    assert edge["node"]["reference"] == created["application"]["reference"]
    assert len(edge["node"]["items"]) == 2


def test_bad_input_is_typed_and_bilingual(gql, household, other_family):
    h = household
    gql.login(h["user"])
    result = gql(
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": people((h["maid"], 61), (other_family["wife"], 12)),
        },
    )["data"]["createRenewal"]
    assert result["application"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("people.0.months", "DURATION_TOO_LONG"),
        ("people.1", "NOT_YOUR_DEPENDENT"),
    ]
    assert all(e["messageAr"] for e in result["errors"])
    assert not Application.objects.exists()


def test_another_sponsor_sees_and_touches_nothing(gql, household, other_family):
    h = household
    gql.login(h["user"])
    created = gql(
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": people((h["wife"], 12)),
        },
    )["data"]["createRenewal"]["application"]
    app = Application.objects.get()
    item = app.items.get()
    gql.login(other_family["user"])
    assert gql(NODE, {"id": created["id"]})["data"]["node"] is None
    assert gql(NODE, {"id": to_base64("RenewalItem", item.pk)})["data"]["node"] is None
    assert gql("{ myApplications { totalCount } }")["data"]["myApplications"]["totalCount"] == 0
    result = gql(SUBMIT, {"id": created["id"]})["data"]["submitApplication"]
    assert result == {"application": None, "errors": [{"code": "NOT_FOUND"}]}
    app.refresh_from_db()
    assert app.state == "draft"


def test_the_renewal_names_of_before_still_work_and_say_they_are_deprecated(gql, household):
    h = household
    gql.login(h["user"])
    created = gql(
        CREATE,
        {"sponsor": to_base64("Sponsor", h["sponsor"].pk), "people": people((h["wife"], 12))},
    )["data"]["createRenewal"]["application"]
    old = """mutation($id: ID!) { submitRenewal(applicationId: $id) {
      application { state items { months } } errors { code } } }"""
    assert gql(old, {"id": created["id"]})["data"]["submitRenewal"] == {
        "application": {"state": "CHECKING", "items": [{"months": 12}]},
        "errors": [],
    }
    cancel = """mutation($id: ID!) { cancelRenewal(applicationId: $id) {
      application { state } errors { code } } }"""
    assert gql(cancel, {"id": created["id"]})["data"]["cancelRenewal"]["application"] == {
        "state": "CANCELLED"
    }
    from schema.schema import schema

    mutation = schema._schema.mutation_type.fields
    for name in ("submitRenewal", "cancelRenewal", "renewalDocumentsProvided"):
        assert mutation[name].deprecation_reason, name


def test_an_application_id_of_another_type_is_not_found(gql, household):
    gql.login(household["user"])
    wrong = to_base64("Sponsor", household["sponsor"].pk)
    result = gql(SUBMIT, {"id": wrong})["data"]["submitApplication"]
    assert result == {"application": None, "errors": [{"code": "NOT_FOUND"}]}
