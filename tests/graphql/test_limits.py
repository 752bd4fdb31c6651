"""Abuse limits answer with a clear error (never a 500), and every answer reports its cost."""

import pytest

pytestmark = pytest.mark.django_db


def test_cost_is_reported_in_extensions(gql, family):
    gql.login(family["user"])
    result = gql("{ permits(first: 10) { edges { node { holder { nameEn } } } } }")
    # permits (1) + 10 × (edges, node, holder) = 31
    assert result["extensions"]["cost"] == {"requested": 31, "limit": 25000}


def test_fragments_and_variables_count(gql, family):
    gql.login(family["user"])
    query = """query($n: Int) { permits(first: $n) { ...P } }
               fragment P on ResidencyPermitConnection { edges { node { sponsor { nameEn } } } }"""
    assert gql(query, {"n": 4})["extensions"]["cost"]["requested"] == 1 + 4 * 3


def test_too_costly_query_is_refused_before_it_runs(gql, family, django_assert_max_num_queries):
    gql.login(family["user"])
    query = """{ permits(first: 100) { edges { node { holder {
        permits(first: 100) { edges { node { sponsor { nameEn } } } } } } } } }"""
    with django_assert_max_num_queries(6):  # session and user only: nothing executed
        result = gql(query)
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "exceeds the limit" in error["message"]


def test_depth_limit(gql, family):
    gql.login(family["user"])
    query = """{ me { sponsor { dependents { edges { node { person { permits { edges { node {
        sponsor { person { id } } } } } } } } } } } }"""
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
