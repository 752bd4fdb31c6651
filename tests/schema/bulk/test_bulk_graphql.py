"""``bulkRenewal`` over GraphQL, as an HR system calls it with its token: a dry run, the job
accepted at once, its counts and workers by outcome, the same key again; and nothing for
another company's token, nor for a token without the renew scope."""

from __future__ import annotations

import pytest
from django.test import Client
from strawberry.relay import to_base64

from core import households
from core.articles import Article, Relation
from core.bulk.models import BulkRenewal
from core.bulk.services import bulk_renewal_process
from core.households import Member, join
from core.scopes import Scope
from tests import factories
from tests.conftest import GraphQLClient
from tests.support.applications import give_profile

pytestmark = pytest.mark.django_db
CLEAN = lambda p: (  # noqa: E731
    p.fully_insured and not p.fines and not p.court_records and p.valid_work_permit
)

BULK = """mutation($s: ID!, $w: [BulkWorkerInput!]!, $k: String!, $dry: Boolean!) {
  bulkRenewal(sponsorId: $s, workers: $w, idempotencyKey: $k, dryRun: $dry) {
    job { id state requested }
    dryRun { eligible refused total workers { position civilId eligible subtotal
      problems { code field messageAr } lines { kind amount } } }
    errors { code field message } } }"""
JOB = """query($id: ID!, $o: [BulkWorkerOutcome!]) { node(id: $id) { ... on BulkRenewal {
  state requested counts { requested pending refused checking awaitingPayment }
  application { id state }
  workers(first: 10, filters: {outcome: $o}) { totalCount edges { node {
    position civilId outcome problems { code } person { nameEn } } } } } } }"""


@pytest.fixture
def company():
    sponsor, [hr] = factories.company("Gulf Works")
    people = []
    for i in range(3):
        person = join(
            sponsor,
            Member(
                factories.spec(name_en=f"Worker {i}"),
                Relation.EMPLOYEE,
                Article.PRIVATE_SECTOR,
                20 + i if i < 2 else 300,
            ),
        ).person
        give_profile(person, CLEAN)
        people.append(person)
    return sponsor, hr, people


def integration(user, sponsor, scopes=None) -> GraphQLClient:
    client = GraphQLClient(Client())
    client.token = households.token(user, sponsor, scopes=scopes, name="hr system")
    return client


def workers(people) -> list[dict]:
    return [{"civilId": p.civil_id, "months": 12} for p in people]


def test_an_hr_system_dry_runs_then_renews_in_bulk(company):
    sponsor, hr, people = company
    api = integration(hr, sponsor)
    variables = {"s": to_base64("Sponsor", sponsor.pk), "w": workers(people), "k": "bulk-0001"}
    dry = api(BULK, {**variables, "dry": True})["data"]["bulkRenewal"]
    assert dry["job"] is None and dry["errors"] == []
    assert (dry["dryRun"]["eligible"], dry["dryRun"]["refused"]) == (2, 1)
    [late] = [w for w in dry["dryRun"]["workers"] if not w["eligible"]]
    assert late["problems"][0]["code"] == "NOT_YET_RENEWABLE" and late["problems"][0]["messageAr"]
    assert not BulkRenewal.objects.exists()  # a dry run writes nothing

    made = api(BULK, {**variables, "dry": False})["data"]["bulkRenewal"]
    assert made["errors"] == [] and made["job"]["state"] == "ACCEPTED"
    again = api(BULK, {**variables, "dry": False})["data"]["bulkRenewal"]
    assert again["job"]["id"] == made["job"]["id"]  # the same key, the same job

    bulk_renewal_process(job_id=BulkRenewal.objects.get().pk)
    job = api(JOB, {"id": made["job"]["id"], "o": None})["data"]["node"]
    assert job["state"] == "SUBMITTED"
    assert job["counts"] == {
        "requested": 3,
        "pending": 0,
        "refused": 1,
        "checking": 2,
        "awaitingPayment": 0,
    }
    assert job["application"]["state"] == "CHECKING"
    refused = api(JOB, {"id": made["job"]["id"], "o": ["REFUSED"]})["data"]["node"]["workers"]
    [node] = [edge["node"] for edge in refused["edges"]]
    assert node["position"] == 2 and node["problems"] == [{"code": "NOT_YET_RENEWABLE"}]
    assert node["person"]["nameEn"] == "Worker 2"


def test_another_companys_token_and_a_token_without_renew_get_nothing(company):
    sponsor, hr, people = company
    rival, [rival_hr] = factories.company("Rival Trading")
    variables = {"s": to_base64("Sponsor", sponsor.pk), "w": workers(people), "k": "bulk-0002"}
    theirs = integration(rival_hr, rival)
    reader = integration(hr, sponsor, scopes=[Scope.VIEW_WORKERS])
    for client in (theirs, reader):
        for dry in (True, False):
            answer = client(BULK, {**variables, "dry": dry})["data"]["bulkRenewal"]
            assert answer["errors"][0]["code"] == "NOT_FOUND"
            assert answer["job"] is None and answer["dryRun"] is None
    assert not BulkRenewal.objects.exists()
    made = integration(hr, sponsor)(BULK, {**variables, "dry": False})["data"]["bulkRenewal"]
    assert theirs(JOB, {"id": made["job"]["id"], "o": None})["data"]["node"] is None
    assert reader(JOB, {"id": made["job"]["id"], "o": None})["data"]["node"]["requested"] == 3
