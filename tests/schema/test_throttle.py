"""Each API token draws query cost from a leaky bucket (Shopify's model): ``extensions.cost``
reports requested, actual and the bucket; over it, THROTTLED with retryAfter and nothing run;
the bucket is one per token for every process (Redis), and in the process without Redis."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.applications.models import Application
from schema import throttle
from tests import factories
from tests.support.staff import RENEW, person_gid, sponsor_gid, token

pytestmark = pytest.mark.django_db
PERMITS = "{ permits(first: 10) { edges { node { holder { nameEn } } } } }"  # 1 + 10 × 3


def post(raw: str | None, query: str, variables: dict | None = None, **headers):
    if raw:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return Client().post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def bucket(settings):
    """A small bucket that barely refills, in keys of this test's own."""
    settings.API_TOKENS = {
        **settings.API_TOKENS,
        "BUCKET_CAPACITY": 100,
        "BUCKET_RESTORE_RATE": 0.5,
    }
    settings.REDIS_PREFIX = f"test-bucket-{uuid.uuid4().hex[:8]}"
    return settings


@pytest.fixture
def works():
    built = factories.employed_worker()
    built["others"] = [factories.dependent(built["employer"], "employee") for _ in range(2)]
    for other in built["others"]:
        factories.permit(other, built["employer"], 18, days_left=40)
    return built


def test_the_cost_is_reported_with_the_buckets_level(bucket, works):
    _, raw = token(works["staff"], works["employer"], ["view_workers"])
    body = post(raw, PERMITS).json()
    cost = body["extensions"]["cost"]
    assert len(body["data"]["permits"]["edges"]) == 3
    assert cost["requested"] == 31 and cost["actual"] == 1 + 3 * 3
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 100 and status["restoreRate"] == 0.5
    # Charged what the result cost (10), not what it might have (31).
    assert 90 <= status["currentlyAvailable"] < 91

    works_session = Client()
    works_session.force_login(works["staff"])
    plain = works_session.post(
        "/graphql/", json.dumps({"query": PERMITS}), content_type="application/json"
    ).json()["extensions"]["cost"]
    assert plain["requested"] == 31 and plain["actual"] == 10 and "throttleStatus" not in plain


def test_over_the_bucket_a_request_is_throttled_and_nothing_runs(bucket, works):
    _, raw = token(works["staff"], works["employer"], ["view_workers", "renew"])
    big = "{ permits(first: 30) { edges { node { holder { nameEn } } } } }"  # requests 91
    assert "errors" not in post(raw, big).json()  # takes 91, gives back 81: 90 left
    refused = post(raw, big, HTTP_ACCEPT_LANGUAGE="ar")
    assert refused.status_code == 200
    body = refused.json()
    assert body.get("data") is None
    [error] = body["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "THROTTLED" and extensions["retryAfter"] >= 1
    assert error["message"] == extensions["messageAr"] and extensions["messageEn"]
    assert refused["Retry-After"] == str(extensions["retryAfter"])
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 91

    renew = {"s": sponsor_gid(works["employer"]), "p": person_gid(works["worker"])}
    assert "errors" not in post(raw, RENEW, renew).json()  # requests 3: it fits and runs
    assert Application.objects.count() == 1
    costly = (
        "mutation($s: ID!, $p: ID!) { createRenewal(sponsorId: $s, people: [{personId: $p}]) "
        "{ application { id sponsor { permits(first: 45) { edges { node { id } } } } } "
        "errors { code } } }"
    )  # requests 94: more than is left, less than the bucket holds
    another = {**renew, "p": person_gid(works["others"][0])}
    throttled = post(raw, costly, another).json()
    assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert Application.objects.count() == 1  # not run


def test_a_query_the_bucket_can_never_hold_is_too_costly_not_throttled(bucket, works):
    _, raw = token(works["staff"], works["employer"], ["view_workers"])
    huge = "{ permits(first: 100) { edges { node { holder { nameEn } } } } }"
    [error] = post(raw, huge).json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY" and error["extensions"]["limit"] == 100


def test_the_graphql_response_media_type_gets_a_429(bucket, works):
    _, raw = token(works["staff"], works["employer"], ["view_workers"])
    big = "{ permits(first: 33) { edges { node { holder { nameEn } } } } }"  # requests 100
    assert post(raw, big).status_code == 200
    refused = post(raw, big, HTTP_ACCEPT="application/graphql-response+json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


def test_tokens_have_buckets_of_their_own(bucket, works):
    _, first = token(works["staff"], works["employer"], ["view_workers"])
    _, second = token(works["staff"], works["employer"], ["view_workers"])
    big = "{ permits(first: 33) { edges { node { holder { nameEn } } } } }"
    assert "errors" not in post(first, big).json()
    assert post(first, big).json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "errors" not in post(second, big).json()


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis")
def test_in_redis_every_process_draws_from_one_bucket(bucket):
    prefix = bucket.REDIS_PREFIX
    one = throttle.RedisBucket(django_settings.REDIS_URL, prefix)
    other = throttle.RedisBucket(django_settings.REDIS_URL, prefix)  # as another process would
    assert one.take("7", 60).allowed
    level = other.take("7", 60)
    assert not level.allowed and 39 <= level.available <= 41
    assert level.retry_after(60) == pytest.approx(40, abs=2)
    assert other.take("7", -50).available == pytest.approx(90, abs=1)  # given back
    assert one.take("8", 100).allowed  # another token


def test_without_redis_the_process_keeps_the_bucket(bucket):
    unreachable = throttle.RedisBucket("redis://127.0.0.1:1/0", "nowhere")
    assert unreachable.take("1", 80).allowed  # Redis away: counted in the process
    assert not unreachable.take("1", 80).allowed
    memory = throttle.MemoryBucket()
    assert memory.take("1", 100).allowed and not memory.take("1", 1).allowed
    bucket.API_TOKENS = {**bucket.API_TOKENS, "BUCKET_RESTORE_RATE": 1000}
    time.sleep(0.05)
    assert memory.take("1", 40).allowed


def test_actual_cost_counts_the_objects_returned():
    assert throttle.actual_cost({"a": {"b": [{"c": 1}, {"c": None}], "d": None}}) == 3
    assert throttle.actual_cost({}) == 0
