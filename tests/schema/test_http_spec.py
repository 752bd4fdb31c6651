"""GraphQL over HTTP as the spec (and the graphql-http audit) wants it, every error with a code,
and no internal message reaching a client in production."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def post(body: dict, accept: str | None = None, client: Client | None = None, **extra):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    return (client or Client()).post(
        "/graphql/", json.dumps(body), content_type="application/json", **headers, **extra
    )


def test_the_graphql_response_media_type_is_answered_when_accepted():
    response = post({"query": "{ __typename }"}, GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json()["data"] == {"__typename": "Query"}
    both = post({"query": "{ __typename }"}, f"application/json;q=0.9, {GRAPHQL_RESPONSE}")
    assert both["Content-Type"].startswith(GRAPHQL_RESPONSE)
    legacy = post({"query": "{ __typename }"}, "application/json")
    assert legacy["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ __typename", None, "GRAPHQL_PARSE_FAILED"),
        ("{ notAField }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int!) { permits(first: $n) { totalCount } }", {"n": "ten"}, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "variables"],
)
def test_a_request_that_cannot_run_is_a_400_without_data(query, variables, code):
    body = {"query": query, "variables": variables}
    response = post(body, GRAPHQL_RESPONSE)
    assert response.status_code == 400
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["extensions"]["code"] == code
    # Legacy clients (application/json) keep a 200, and the code too.
    legacy = post(body, "application/json")
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


def test_a_field_error_during_execution_stays_a_200_with_data(settings):
    person = factories.person(login=True)
    client = Client()
    client.force_login(person.user)
    response = post(
        {"query": '{ missingDocuments(personId: "UGVyc29uOjE=", article: 99) { kind } }'},
        GRAPHQL_RESPONSE,
        client=client,
    )
    assert response.status_code == 200
    answer = response.json()
    assert "data" in answer
    assert answer["errors"][0]["extensions"]["code"] == "UNKNOWN_ARTICLE"


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ('after: "abc"', "INVALID_CURSOR"),
        ('after: "YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk5OTk5OTk5OTk5"', "INVALID_CURSOR"),
        ('before: "bm90LWEtY3Vyc29yOjE="', "INVALID_CURSOR"),
        ("first: -1", "INVALID_PAGINATION"),
        ("last: 101", "INVALID_PAGINATION"),
    ],
    ids=["bad-padding", "huge-offset", "foreign-prefix", "negative", "too-many"],
)
def test_bad_pagination_is_typed_before_anything_runs(arguments, code):
    response = post({"query": f"{{ permits({arguments}) {{ totalCount }} }}"})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert "padding" not in error["message"] and "mismatch" not in error["message"]


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "-Infinity", "1.0001", "1e12", "abc"])
def test_an_amount_that_is_not_money_is_refused_as_input(amount):
    query = """mutation($a: Decimal) { startPayment(applicationId: "UmVuZXdhbEFwcGxpY2F0aW9uOjE=",
        idempotencyKey: "abcdefgh12", expectedAmount: $a) { errors { code } } }"""
    answer = post({"query": query, "variables": {"a": amount}}).json()
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "InvalidOperation" not in error["message"]


def test_an_unexpected_exception_is_masked_with_the_request_id_and_logged(
    monkeypatch, caplog, settings
):
    from schema.core import queries

    def broken(user):
        raise RuntimeError("secret internals: table core_person at 10.0.0.5")

    monkeypatch.setattr(queries.access, "is_back_office", broken)
    person = factories.person(login=True)
    client = Client()
    client.force_login(person.user)
    with caplog.at_level(logging.ERROR, logger="iqama.graphql"):
        response = post({"query": "{ me { username isBackOffice } }"}, client=client)
    [error] = response.json()["errors"]
    request_id = response["X-Request-ID"]
    assert error["message"] == f"Unexpected error (reference {request_id})."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "iqama.graphql"]
    assert record.request_id == request_id and record.exc_info[0] is RuntimeError

    settings.GRAPHQL_MASK_ERRORS = False  # DEBUG: the developer sees it
    shown = post({"query": "{ me { username isBackOffice } }"}, client=client).json()
    assert "secret internals" in shown["errors"][0]["message"]
    assert shown["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


def test_a_request_id_offered_by_the_proxy_is_kept():
    response = post({"query": "{ __typename }"}, HTTP_X_REQUEST_ID="edge-1234abcd")
    assert response["X-Request-ID"] == "edge-1234abcd"
    forged = post({"query": "{ __typename }"}, HTTP_X_REQUEST_ID="bad id\nInjected: 1")
    assert forged["X-Request-ID"] != "bad id\nInjected: 1"
