"""The HTTP path under ASGI: Django's middleware runs in one thread hop, not two per middleware
(iqama/middleware.py), and the async /healthz view still answers through that sync chain."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import SyncToAsync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_graphql_request_crosses_to_a_thread_a_few_times_not_per_middleware(monkeypatch):
    hops: list[str] = []
    original = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    response = await AsyncClient().post(
        "/graphql/", json.dumps({"query": "{ __typename }"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    # Eight async-capable middlewares made 18 hops; sync-only, the chain is one.
    assert len(hops) <= 5, hops
    assert not any("process_request" in hop or "process_response" in hop for hop in hops), hops


async def test_the_async_readiness_view_answers_through_the_sync_chain():
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
