"""Abuse limits answer with a clear error (never a 500), and every answer reports its cost.

Whatever a careless client or an attacker sends, the GraphQL endpoint answers GraphQL-shaped
JSON with a 4xx status and a code: never a 500, an HTML page or a traceback, in any mode. Each
malformed request below answered 500 (with DEBUG's traceback page in the demo) or 400 with the
debug page before; both modes are tried.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core import households
from tests import factories

pytestmark = pytest.mark.django_db


def test_cost_is_reported_in_extensions(gql, family):
    gql.login(family["user"])
    result = gql("{ permits(first: 10) { edges { node { holder { nameEn } } } } }")
    # permits (1) + 10 × (edges, node, holder) = 31; actual: what came back (4 permits)
    assert result["extensions"]["cost"] == {"requested": 31, "limit": 25000, "actual": 13}


def test_fragments_and_variables_count(gql, family):
    gql.login(family["user"])
    query = """query($n: Int) { permits(first: $n) { ...P } }
               fragment P on ResidencyPermitConnection { edges { node { sponsor { nameEn } } } }"""
    assert gql(query, {"n": 4})["extensions"]["cost"]["requested"] == 1 + 4 * 3


def test_too_costly_query_is_refused_before_it_runs(gql, family, django_assert_max_num_queries):
    gql.login(family["user"])
    query = """{ permits(first: 100) { edges { node { sponsor {
        permits(first: 100) { edges { node { holder { nameEn } } } } } } } } }"""
    with django_assert_max_num_queries(6):  # session and user only: nothing executed
        result = gql(query)
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "exceeds the limit" in error["message"]


def test_depth_limit(gql, family):
    gql.login(family["user"])
    query = """{ me { sponsor { dependents { edges { node { person { permits {
        sponsor { dependents { edges { node { id } } } } } } } } } } } }"""
    result = gql(query)
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


def test_alias_limit(gql, family):
    gql.login(family["user"])
    aliases = " ".join(f"a{i}: me {{ username }}" for i in range(20))
    result = gql(f"{{ {aliases} }}")
    assert "aliases found" in result["errors"][0]["message"]


def test_token_limit(gql, family):
    gql.login(family["user"])
    result = gql("{ me { " + " ".join(["username"] * 3000) + " } }")
    assert "token" in result["errors"][0]["message"].lower()


UPLOAD = (
    'mutation($f: Upload!) { uploadDocument(ownerId: "UGVyc29uOjE=", kind: PASSPORT_COPY, '
    "file: $f) { errors { code } } }"
)


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def client(request, settings):
    settings.DEBUG = request.param
    return Client(raise_request_exception=False)


@pytest.fixture
def bearer(db) -> dict:
    raw = households.token(factories.family()["user"], name="careless client")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_json_error(response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["errors"] and all("message" in e for e in body["errors"]), body
    assert all(e["extensions"]["code"] for e in body["errors"]), body
    assert b"Traceback" not in response.content and b"<html" not in response.content.lower()
    if code:
        assert body["errors"][0]["extensions"]["code"] == code, body
    return body


@pytest.mark.parametrize(
    "body",
    [b"null", b'"a string"', b"42", b"true", b"[]", b"{", b'{"query": 3}', b'{"qeury": "{ a }"}'],
    ids=[
        "null",
        "string",
        "number",
        "boolean",
        "list",
        "truncated",
        "query-not-a-string",
        "no-query",
    ],
)
def test_a_body_that_is_not_a_request_object(client, body):
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert_json_error(response, 400, "BAD_REQUEST")


def test_a_body_that_is_not_utf8(client):
    body = b'{"query": "{ __typename }", "x": "\xff\xfe"}'
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert "UTF-8" in assert_json_error(response, 400)["errors"][0]["message"]


def test_variables_nested_a_thousand_levels(client):
    nested = "[" * 1000 + "]" * 1000
    body = f'{{"query": "{{ __typename }}", "variables": {{"a": {nested}}}}}'.encode()
    assert len(body) < 2100
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert_json_error(response, 400)


def test_variables_nested_beyond_the_limit_but_within_json(client):
    nested = "[" * 100 + "]" * 100
    body = f'{{"query": "{{ __typename }}", "variables": {{"a": {nested}}}}}'.encode()
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert "nest" in assert_json_error(response, 400)["errors"][0]["message"]


def test_operation_name_that_is_not_a_string(client):
    body = json.dumps({"query": "query A { __typename }", "operationName": 7}).encode()
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert_json_error(response, 400)


@pytest.mark.parametrize(
    "files_map",
    [{"0": ["query.x"]}, {"0": ["variables.f.deeper"]}, {"0": "variables.f"}, [1], {"0": [3]}],
    ids=["into-the-query-string", "below-a-null", "not-a-list", "not-an-object", "not-a-path"],
)
def test_a_multipart_map_that_points_nowhere(client, bearer, files_map):
    operations = json.dumps({"query": UPLOAD, "variables": {"f": None}})
    response = client.post(
        "/graphql/",
        {"operations": operations, "map": json.dumps(files_map), "0": _file()},
        **bearer,
    )
    assert_json_error(response, 400)


def test_a_10_mb_body(client):
    body = b'{"query": "' + b"a" * 10_000_000 + b'"}'
    response = client.generic("POST", "/graphql/", body, content_type="application/json")
    assert_json_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_101_files(client, bearer):
    operations = json.dumps({"query": UPLOAD, "variables": {"f": None}})
    data = {"operations": operations, "map": "{}"}
    data.update({str(i): _file() for i in range(101)})
    assert_json_error(client.post("/graphql/", data, **bearer), 400)


def test_1001_form_fields(client, bearer):
    operations = json.dumps({"query": UPLOAD, "variables": {"f": None}})
    data = {f"field{i}": "x" for i in range(1001)}
    data.update({"operations": operations, "map": "{}"})
    assert_json_error(client.post("/graphql/", data, **bearer), 400)


def test_a_get_too_long_for_a_url(client):
    response = client.get("/graphql/", {"query": "{ " + "a " * 50_000 + "}"})
    assert "use POST" in assert_json_error(response, 414, "URI_TOO_LONG")["errors"][0]["message"]


def test_an_unsupported_content_type_and_method(client):
    response = client.generic("POST", "/graphql/", b"{ __typename }", content_type="text/xml")
    assert_json_error(response, 400)
    assert_json_error(client.put("/graphql/", b"{}"), 405, "METHOD_NOT_ALLOWED")


def test_a_bad_bearer_token_is_json_too(client):
    response = client.post(
        "/graphql/",
        json.dumps({"query": "{ __typename }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer iqt_nope_nope",
    )
    assert_json_error(response, 401, "UNAUTHENTICATED")


def test_a_well_formed_request_still_works(client):
    response = client.post(
        "/graphql/", json.dumps({"query": "{ __typename }"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": {"__typename": "Query"},
        "extensions": response.json()["extensions"],
    }
    assert response["X-Request-ID"]


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("a.png", b"\x89PNG not really", "image/png")
