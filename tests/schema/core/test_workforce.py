"""What an HR system reads about its workforce: a worker by civil ID, permits expiring within N
days, held up by fines or courts, in review, and the counts of all that in one field — and
nothing of another company's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from core.agencies.base import CourtRecordKind
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.services import application_create, application_submit
from core.articles import Article, Relation
from core.households import Member, join
from tests import factories
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records and p.valid_work_permit  # noqa: E731
FINED = lambda p: p.fully_insured and p.has_fines and not p.court_records and p.valid_work_permit  # noqa: E731
BANNED = lambda p: (  # noqa: E731
    p.fully_insured
    and not p.fines
    and p.court_records_only(CourtRecordKind.TRAVEL_BAN)
    and p.valid_work_permit
)

BY_CIVIL_ID = """query($c: String!) { personByCivilId(civilId: $c) { id nameEn
  permits { article expiresOn status } } }"""
WORKFORCE = """query($s: ID!, $f: PermitFilter) { sponsor(id: $s) {
  permitCounts { total valid expiring expired cancelled inReview heldUpByFines heldUpByCourts }
  permits(first: 50, filters: $f) { totalCount edges { node { holder { nameEn } } } } } }"""


@pytest.fixture
def workforce():
    """A company with five workers: due in 5 and 20 days, one in 200 days, one fined and one
    with a travel ban (both renewed, now checked)."""
    company, [hr] = factories.company("Gulf Works")

    def worker(name: str, days: int, traits) -> object:
        person = join(
            company,
            Member(factories.spec(name_en=name), Relation.EMPLOYEE, Article.PRIVATE_SECTOR, days),
        ).person
        give_profile(person, traits)
        return person

    people = {
        "soon": worker("Due Soon", 5, CLEAN),
        "month": worker("Due In Twenty", 20, CLEAN),
        "later": worker("Due Later", 200, CLEAN),
        "fined": worker("Has Fines", 60, FINED),
        "banned": worker("Travel Ban", 60, BANNED),
    }
    for key in ("fined", "banned"):
        app = application_create(
            actor=hr,
            kind=RENEWAL.name,
            sponsor_id=company.pk,
            people=[PersonChoice(people[key].pk, 12)],
        )
        application_submit(actor=hr, application_id=app.pk)
        run_all(app)
    return company, hr, people


def names(result) -> set[str]:
    return {e["node"]["holder"]["nameEn"] for e in result["sponsor"]["permits"]["edges"]}


def test_hr_reads_its_workforce_in_one_field_and_by_filters(gql, workforce):
    company, hr, _ = workforce
    gql.login(hr)
    sponsor = to_base64("Sponsor", company.pk)
    with CaptureQueriesContext(connection) as queries:
        data = gql(WORKFORCE, {"s": sponsor, "f": None})["data"]
    counts = data["sponsor"]["permitCounts"]
    assert counts == {
        "total": 5,
        "valid": 3,
        "expiring": 2,
        "expired": 0,
        "cancelled": 0,
        "inReview": 1,
        "heldUpByFines": 1,
        "heldUpByCourts": 1,
    }
    [counted] = [q["sql"] for q in queries if '"held_up_by_courts"' in q["sql"]]
    assert '"total"' in counted and '"in_review"' in counted  # every count in one query
    within = gql(WORKFORCE, {"s": sponsor, "f": {"expiresWithinDays": 30}})["data"]
    assert names(within) == {"Due Soon", "Due In Twenty"}
    within = gql(WORKFORCE, {"s": sponsor, "f": {"expiresWithinDays": 10}})["data"]
    assert names(within) == {"Due Soon"}
    held = gql(WORKFORCE, {"s": sponsor, "f": {"heldUpBy": ["FINES"]}})["data"]
    assert names(held) == {"Has Fines"}
    held = gql(WORKFORCE, {"s": sponsor, "f": {"heldUpBy": ["FINES", "COURTS"]}})["data"]
    assert names(held) == {"Has Fines", "Travel Ban"}
    review = gql(WORKFORCE, {"s": sponsor, "f": {"inReview": True}})["data"]
    assert names(review) == {"Travel Ban"}
    not_review = gql(WORKFORCE, {"s": sponsor, "f": {"inReview": False}})["data"]
    assert "Travel Ban" not in names(not_review) and len(names(not_review)) == 4


def test_a_worker_by_civil_id_in_any_digits(gql, workforce):
    _, hr, people = workforce
    gql.login(hr)
    civil_id = people["soon"].civil_id
    arabic = civil_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for typed in (civil_id, arabic, f"  {civil_id} "):
        found = gql(BY_CIVIL_ID, {"c": typed})["data"]["personByCivilId"]
        assert found["nameEn"] == "Due Soon" and found["permits"][0]["article"] == 18


def test_another_company_reads_nothing_of_it(gql, workforce):
    company, _, people = workforce
    _, [stranger] = factories.company("Rival Trading")
    gql.login(stranger)
    assert gql(BY_CIVIL_ID, {"c": people["soon"].civil_id})["data"]["personByCivilId"] is None
    assert gql(BY_CIVIL_ID, {"c": "290010100018"})["data"]["personByCivilId"] is None
    data = gql(WORKFORCE, {"s": to_base64("Sponsor", company.pk), "f": None})["data"]
    assert data["sponsor"] is None
