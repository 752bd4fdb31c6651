"""``releaseDependent``: a company drops a worker who left — the dependency ends, the permit it
held for them is cancelled with the reason, both in their histories — and nobody else can."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.services import application_create
from core.articles import Article, Relation
from core.households import Member, join
from core.models import AuditEntry, Dependent, PermitChange, ResidencyPermit
from tests import factories

pytestmark = pytest.mark.django_db

RELEASE = """mutation($id: ID!, $reason: String!) {
  releaseDependent(dependentId: $id, reason: $reason) {
    dependent { endedOn } errors { code field message } } }"""
COUNTS = """query($s: ID!) { sponsor(id: $s) { permitCounts { valid cancelled } } }"""


@pytest.fixture
def leaver():
    company, [hr] = factories.company("Gulf Works")
    held = join(
        company,
        Member(factories.spec(name_en="Gone Home"), Relation.EMPLOYEE, Article.PRIVATE_SECTOR, 30),
    )
    dependent = Dependent.objects.get(sponsor=company, person=held.person)
    return company, hr, held, dependent


def test_a_company_drops_a_worker_who_left(gql, leaver):
    company, hr, held, dependent = leaver
    gql.login(hr)
    variables = {"id": to_base64("Dependent", dependent.pk), "reason": "final exit"}
    released = gql(RELEASE, variables)["data"]["releaseDependent"]
    assert released["errors"] == [] and released["dependent"]["endedOn"]
    permit = ResidencyPermit.objects.get(pk=held.permit.pk)
    assert permit.cancelled_at is not None and permit.cancellation_reason == "final exit"
    assert PermitChange.objects.filter(permit=permit, kind="cancelled").exists()
    assert AuditEntry.objects.filter(action="dependent_released", sponsor=company).exists()
    counts = gql(COUNTS, {"s": to_base64("Sponsor", company.pk)})["data"]["sponsor"]
    assert counts["permitCounts"] == {"valid": 0, "cancelled": 1}
    again = gql(RELEASE, variables)["data"]["releaseDependent"]  # the same answer, no change
    assert again["errors"] == [] and PermitChange.objects.filter(kind="cancelled").count() == 1


def test_nobody_else_drops_them(gql, leaver, other_family):
    company, _, held, dependent = leaver
    clerk = factories.user()
    company.staff.create(user=clerk, view_workers=True)
    variables = {"id": to_base64("Dependent", dependent.pk), "reason": "final exit"}
    for user in (other_family["user"], clerk):
        gql.login(user)
        answer = gql(RELEASE, variables)["data"]["releaseDependent"]
        assert answer == {
            "dependent": None,
            "errors": [{"code": "NOT_FOUND", "field": "dependentId", "message": "Not found."}],
        }
    assert ResidencyPermit.objects.get(pk=held.permit.pk).cancelled_at is None


def test_not_while_they_are_on_an_open_application(gql, leaver):
    company, hr, held, dependent = leaver
    application_create(
        actor=hr, kind=RENEWAL.name, sponsor_id=company.pk, people=[PersonChoice(held.person.pk)]
    )
    gql.login(hr)
    variables = {"id": to_base64("Dependent", dependent.pk), "reason": "final exit"}
    [error] = gql(RELEASE, variables)["data"]["releaseDependent"]["errors"]
    assert error["code"] == "IN_OPEN_APPLICATION"
    assert Dependent.objects.get(pk=dependent.pk).ended_on is None
