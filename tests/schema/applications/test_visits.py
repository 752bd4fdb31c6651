"""Family visits over GraphQL: inviting, the visit permit issued, its public check, and nothing
of a host's visitors for anyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from strawberry.relay import to_base64

from core.applications.kinds.visit import KIND as VISIT
from core.applications.models import ApplicationItem
from core.visits.models import VisitPermit

pytestmark = pytest.mark.django_db

CREATE = """mutation($sponsor: ID!, $visitors: [ApplicationPersonInput!]!) {
  createVisitApplication(sponsorId: $sponsor, visitors: $visitors) {
    application { __typename id kind reference state
      items { id relation months state visitor { id nameEn nameAr civilId passportNumber } } }
    errors { field code message messageEn messageAr } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
PERMITS = """{ myVisitPermits { number status validFrom validUntil relation downloadUrl
  visitor { nameEn } host { id } } }"""
VERIFY = """query($code: String!) { verifyVisitPermit(code: $code) {
  number status validFrom validUntil nationality passportEndsWith } }"""


def visitor(**changes) -> dict:
    return {
        "passportNumber": "Z1234567",
        "nationality": "EGY",
        "nameEn": "Fatma Hassan",
        "nameAr": "فاطمة حسن",
        "dateOfBirth": "1958-04-02",
        "sex": "FEMALE",
        "passportExpiry": (timezone.localdate() + dt.timedelta(days=900)).isoformat(),
        **changes,
    }


def create(gql, sponsor, *visitors):
    return gql(
        CREATE,
        {
            "sponsor": to_base64("Sponsor", sponsor.pk),
            "visitors": [{"visitor": v, "relation": r, "months": m} for v, r, m in visitors],
        },
    )["data"]["createVisitApplication"]


def test_a_host_invites_a_parent(gql, household):
    gql.login(household["user"])
    result = create(gql, household["sponsor"], (visitor(), "PARENT", 3))
    assert result["errors"] == []
    app = result["application"]
    assert app["__typename"] == "VisitApplication" and app["kind"] == "VISIT"
    assert app["reference"].startswith("VA-")
    [item] = app["items"]
    assert item["relation"] == "PARENT" and item["months"] == 3
    assert item["visitor"]["civilId"] is None and item["visitor"]["passportNumber"] == "Z1234567"


def test_bad_input_is_typed_and_bilingual(gql, household):
    gql.login(household["user"])
    result = create(
        gql,
        household["sponsor"],
        (visitor(nameAr="Fatma"), "PARENT", 3),
        (visitor(passportNumber="Y7654321"), "SPOUSE", 9),
        (visitor(passportNumber="X1111111"), "EMPLOYEE", 1),
    )
    assert result["application"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("people.0.visitor.nameAr", "INVALID_VISITOR"),
        ("people.1.months", "VISIT_TOO_LONG"),
        ("people.2.relation", "VISIT_RELATION_NOT_ALLOWED"),
    ]
    assert all(e["messageAr"] and e["messageEn"] for e in result["errors"])


def test_nobody_else_sees_the_visit_or_the_visitor(gql, household, other_family):
    gql.login(household["user"])
    app = create(gql, household["sponsor"], (visitor(), "PARENT", 3))["application"]
    [item] = app["items"]
    gql.login(other_family["user"])
    for global_id in (app["id"], item["id"], item["visitor"]["id"]):
        assert gql(NODE, {"id": global_id})["data"]["node"] is None
    # Nor may they invite on the host's file.
    refused = create(gql, household["sponsor"], (visitor(passportNumber="W2"), "PARENT", 3))
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]


def test_the_visit_permit_and_its_public_check(gql, household, client):
    gql.login(household["user"])
    app = create(gql, household["sponsor"], (visitor(), "PARENT", 3))["application"]
    assert app["state"] == "DRAFT"
    VISIT.issue(ApplicationItem.objects.get(application__kind=VISIT.name), timezone.localdate())
    [permit] = gql(PERMITS)["data"]["myVisitPermits"]
    assert permit["status"] == "VALID" and permit["relation"] == "PARENT"
    assert permit["number"].startswith("VP-") and permit["visitor"]["nameEn"] == "Fatma Hassan"
    pdf = client.get(permit["downloadUrl"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    code = VisitPermit.objects.get().verification_code
    gql.client.logout()
    checked = gql(VERIFY, {"code": code.lower()})["data"]["verifyVisitPermit"]
    assert checked["status"] == "VALID" and checked["nationality"] == "EGY"
    assert checked["passportEndsWith"] == "567"  # no name, no full passport number
    assert gql(VERIFY, {"code": "not-a-code"})["data"]["verifyVisitPermit"] is None
    page = client.get(f"/visit-permits/verify/{code}")
    assert page.status_code == 200 and "Fatma" not in page.content.decode()
    # Another host does not see the permit.
    assert gql(PERMITS)["data"]["myVisitPermits"] == []
