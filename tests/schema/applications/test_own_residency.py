"""``myResidency``: a worker sees his own permit and its renewal by his employer — his item and
its checks — and nothing else of the application: not the application, not its amounts, not
another worker on it."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.services import application_create, application_submit
from core.articles import Article, Relation
from core.households import Member, join
from tests import factories
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731

MINE = """{ myResidency { permit { article expiresOn holder { nameEn } }
  renewal { id months state permit { article } checks { agency status detailEn amount } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
APPS = "{ myApplications(first: 5) { totalCount } }"


@pytest.fixture
def renewal_of_two_workers():
    works = factories.employed_worker()
    other = join(
        works["employer"],
        Member(
            factories.spec(name_en="Worker Two", login=True),
            Relation.EMPLOYEE,
            Article.PRIVATE_SECTOR,
            40,
        ),
        password=factories.PASSWORD,
    ).person
    for worker in (works["worker"], other):
        give_profile(worker, lambda p: CLEAN(p) and p.valid_work_permit)
    app = application_create(
        actor=works["staff"],
        kind=RENEWAL.name,
        sponsor_id=works["employer"].pk,
        people=[PersonChoice(works["worker"].pk, 12), PersonChoice(other.pk, 12)],
    )
    application_submit(actor=works["staff"], application_id=app.pk)
    run_all(app)
    return works, other, app


def test_the_worker_sees_his_renewal_and_its_checks(gql, renewal_of_two_workers):
    works, _, _ = renewal_of_two_workers
    gql.login(works["worker"].user)
    [mine] = gql(MINE)["data"]["myResidency"]
    assert mine["permit"]["article"] == 18 and mine["permit"]["holder"]["nameEn"] == "Worker One"
    renewal = mine["renewal"]
    assert renewal["months"] == 12 and renewal["state"] == "AWAITING_PAYMENT"
    assert {c["agency"] for c in renewal["checks"]} == {"HEALTH", "FINES", "COURTS", "MANPOWER"}
    assert all(c["status"] == "CLEAR" for c in renewal["checks"])


def test_the_worker_sees_nothing_else_of_the_application(gql, renewal_of_two_workers):
    works, other, app = renewal_of_two_workers
    gql.login(works["worker"].user)
    assert gql(NODE, {"id": to_base64("RenewalApplication", app.pk)})["data"]["node"] is None
    assert gql(APPS)["data"]["myApplications"]["totalCount"] == 0
    theirs = app.items.get(person=other)
    assert gql(NODE, {"id": to_base64("RenewalItem", theirs.pk)})["data"]["node"] is None
    mine = app.items.get(person=works["worker"])
    assert gql(NODE, {"id": to_base64("RenewalItem", mine.pk)})["data"]["node"] is not None


def test_someone_else_sees_no_residency_of_theirs(gql, renewal_of_two_workers, household):
    works, _, app = renewal_of_two_workers
    gql.login(household["user"])
    [his] = gql(MINE)["data"]["myResidency"]  # his own permit from his employer, no renewal
    assert his["permit"]["holder"]["nameEn"] == "Ahmed Hassan" and his["renewal"] is None
    mine = app.items.get(person=works["worker"])
    assert gql(NODE, {"id": to_base64("RenewalItem", mine.pk)})["data"]["node"] is None


def test_signed_out_there_is_none(gql):
    assert gql(MINE)["data"]["myResidency"] == []


def test_a_government_body_renews_its_art_17_staff_who_watch_it(gql):
    """Art. 17: the ministry's staff renew; the civil servant sees his own renewal, and cannot
    renew it himself."""
    works = factories.employed_worker(article=Article.GOVERNMENT)
    give_profile(works["worker"], CLEAN)
    gql.login(works["worker"].user)
    refused = gql(
        """mutation($s: ID!, $p: ID!) { createRenewal(sponsorId: $s, people: [{personId: $p,
        months: 12}]) { application { id } errors { code } } }""",
        {
            "s": to_base64("Sponsor", works["employer"].pk),
            "p": to_base64("Person", works["worker"].pk),
        },
    )["data"]["createRenewal"]
    assert refused == {"application": None, "errors": [{"code": "NOT_FOUND"}]}
    app = application_create(
        actor=works["staff"],
        kind=RENEWAL.name,
        sponsor_id=works["employer"].pk,
        people=[PersonChoice(works["worker"].pk, 12)],
    )
    application_submit(actor=works["staff"], application_id=app.pk)
    run_all(app)
    [mine] = gql(MINE)["data"]["myResidency"]
    assert mine["permit"]["article"] == 17
    renewal = mine["renewal"]
    assert renewal["state"] == "AWAITING_PAYMENT"
    assert {c["agency"] for c in renewal["checks"]} == {"HEALTH", "FINES", "COURTS"}
