"""permits(...): filters, ordering, cursor pagination and its cap."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

QUERY = """query($filters: PermitFilter, $ordering: [PermitOrder!], $first: Int, $after: String) {
  permits(filters: $filters, ordering: $ordering, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { article status expiresOn holder { nameEn } } }
  }
}"""


@pytest.fixture
def company_with_workers(gql):
    company, (hr,) = factories.company()
    for days in (5, 25, 45, 400, -3):
        worker = factories.dependent(company, "employee", name_en=f"W{days}")
        factories.permit(worker, company, article=18, days_left=days)
    gql.login(hr)
    return company


def permits(gql, **variables):
    result = gql(QUERY, variables)
    assert "errors" not in result, result
    return result["data"]["permits"]


def test_status_filter(gql, company_with_workers):
    expiring = permits(gql, filters={"status": "EXPIRING"})
    assert sorted(e["node"]["holder"]["nameEn"] for e in expiring["edges"]) == ["W25", "W5"]
    assert permits(gql, filters={"status": "EXPIRED"})["totalCount"] == 1
    assert permits(gql, filters={"status": "VALID"})["totalCount"] == 2


def test_expiring_before_and_article_filters(gql, company_with_workers):
    before = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    result = permits(gql, filters={"expiresBefore": before, "article": [18]})
    assert result["totalCount"] == 3
    assert permits(gql, filters={"article": [22]})["totalCount"] == 0


def test_ordering_by_expiry(gql, company_with_workers):
    result = permits(gql, ordering=[{"expiresOn": "DESC"}])
    names = [e["node"]["holder"]["nameEn"] for e in result["edges"]]
    assert names == ["W400", "W45", "W25", "W5", "W-3"]


def test_cursor_pagination(gql, company_with_workers):
    first = permits(gql, first=2, ordering=[{"expiresOn": "ASC"}])
    assert first["pageInfo"]["hasNextPage"] is True
    rest = permits(
        gql, first=10, after=first["pageInfo"]["endCursor"], ordering=[{"expiresOn": "ASC"}]
    )
    names = [e["node"]["holder"]["nameEn"] for e in first["edges"] + rest["edges"]]
    assert names == ["W-3", "W5", "W25", "W45", "W400"]


def test_page_size_is_capped_at_100(gql, company_with_workers):
    result = gql(QUERY, {"first": 101})
    assert result["data"] is None or result["data"]["permits"] is None
    assert result["errors"][0]["extensions"]["code"] == "INVALID_PAGINATION"
    assert "between 0 and 100" in result["errors"][0]["message"]


def test_anonymous_sees_no_permits_and_no_me(gql, company_with_workers):
    gql.client.logout()
    assert permits(gql)["totalCount"] == 0
    assert gql("{ me { username } }")["data"]["me"] is None
