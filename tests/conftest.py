"""Shared fixtures: a GraphQL client over Django's real request path, and two families."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from core.law import published
from payments.fee_seed import seed_rows
from payments.models import FeeRate
from tests import factories


class GraphQLClient:
    """Posts GraphQL over HTTP through the whole Django stack (middleware, CSRF, auth)."""

    def __init__(self, client: Client):
        self.client = client
        self.token: str | None = None
        self.language: str | None = None

    def login(self, user) -> None:
        self.client.force_login(user)

    def __call__(self, query: str, variables: dict | None = None, **headers: Any) -> dict:
        response = self.post(query, variables, **headers)
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, query: str, variables: dict | None = None, **headers: Any):
        if self.token:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        if self.language:
            headers.setdefault("HTTP_ACCEPT_LANGUAGE", self.language)
        return self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )


@pytest.fixture(scope="session", autouse=True)
def close_sync_thread_connections(django_db_setup, django_db_blocker):
    """Async tests run ORM code on asgiref's one sync thread, whose connection Django's test
    clients keep open: closed here, before the test database is dropped (it would otherwise be
    "accessed by other users" and left behind)."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def instant_agencies(settings):
    """The agency simulator without its demo latency, so tests stay fast; tests about
    latency, failures and outages set their own."""
    settings.AGENCY_SIMULATOR = {"latency_ms": [0, 0], "failure_rate": 0.0, "outage": []}


@pytest.fixture(autouse=True)
def documents_optional(settings):
    """Most tests are about other rules, so documents are not required before payment unless
    a test says so (tests/core/applications/test_documents.py); tests/settings.py sets the same
    for the daphne and worker processes the tests start."""
    settings.RENEWAL_RULES = {**settings.RENEWAL_RULES, "REQUIRE_DOCUMENTS": False}


@pytest.fixture(autouse=True)
def fee_schedule(request):
    """The fee schedule and the law's provisions the migrations seed (payments/0002 and 0008,
    law/0002). A test that flushes the tables (a live server, a transactional test) takes them
    away from the tests after it: put them back."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") or names & {
        "db",
        "transactional_db",
        "live_server",
    }:
        request.getfixturevalue("_django_db_helper")
        if not FeeRate.objects.exists():
            FeeRate.objects.bulk_create(seed_rows(FeeRate))
        published.load()


@pytest.fixture
def gql(db) -> GraphQLClient:
    return GraphQLClient(Client())


@pytest.fixture
def family(db) -> dict:
    return factories.family()


@pytest.fixture
def other_family(db) -> dict:
    return factories.family(children=1)


@pytest.fixture
def household(db) -> dict:
    """A family whose permits are inside the renewal window, and whose head holds his own."""
    return factories.household()
