"""The read benchmark's in-process measures, through Django's real request path: the SQL
queries one GraphQL request makes (``count_queries``) and where a request's time goes
(``profile_in_process``, ``--profile``).

Imported once Django is set up (the test clients, the models).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext
from strawberry.schema.schema import Schema
from strawberry_django.optimizer import DjangoOptimizerExtension

from bench.read_data import Seeded, SponsorFile, graphql_body, raw_path


def _normalize(sql: str) -> str:
    return re.sub(r"\b\d+\b", "?", re.sub(r"'[^']*'", "?", sql))


def _explain_queries(label: str, queries: list[dict[str, Any]], always: bool) -> None:
    """Print the SQL of a request; group repeated shapes, which is what an N+1 looks like."""
    shapes = Counter(_normalize(q["sql"]) for q in queries)
    repeated = {shape: k for shape, k in shapes.items() if k > 1}
    if repeated:
        print(f"  {label}: statements repeated within one request (the N+1):")
        for shape, k in sorted(repeated.items(), key=lambda kv: -kv[1]):
            table = re.search(r'FROM "(\w+)"', shape)
            print(f"    x{k} from {table.group(1) if table else '?'}: {shape[:300]}")
    if always or repeated:
        print(f"  {label}: all {len(queries)} statements:")
        for i, q in enumerate(queries, 1):
            print(f"    [{i}] {q['sql']}")


def count_queries(seeded: Seeded, show_sql: bool, target: int) -> dict[str, Any]:
    """Per size: the queries of one GraphQL request through the real view, first and steady.

    ``CaptureQueriesContext`` sees the default connection of this thread, which is where the
    view's sync_to_async work runs under the test client; a process-wide count of cursor
    executions (any thread, any connection) is taken alongside as a cross-check."""
    client = Client()
    out: dict[str, Any] = {}

    def count(call: Any) -> tuple[Any, list[dict[str, Any]], int]:
        executed: Counter = Counter()

        def wrap(original: Any) -> Any:
            def counting(*args: Any, **kwargs: Any) -> Any:
                executed["statements"] += 1
                return original(*args, **kwargs)

            return counting

        with (
            _patched(CursorWrapper, "execute", wrap),
            _patched(CursorWrapper, "executemany", wrap),
            CaptureQueriesContext(connection) as ctx,
        ):
            response = call()
        return response, ctx.captured_queries, executed["statements"]

    for n, file in seeded.files.items():
        auth = {"HTTP_AUTHORIZATION": f"Bearer {file.token}"}

        def graphql(file: SponsorFile = file, auth: dict = auth) -> Any:
            return client.post(
                "/graphql/", graphql_body(file), content_type="application/json", **auth
            )

        # The first request of a token also stamps last_used_at; the second is the steady state.
        _, first_queries, first_all = count(graphql)
        response, queries, steady_all = count(graphql)
        payload = response.json()
        if response.status_code != 200 or payload.get("errors"):
            raise SystemExit(f"GraphQL request failed for N={n}: {response.content[:2000]!r}")
        edges = payload["data"]["sponsor"]["dependents"]["edges"]
        if len(edges) != n:
            raise SystemExit(f"expected {n} dependents, got {len(edges)}")

        raw, raw_queries, _ = count(lambda file=file, auth=auth: client.get(raw_path(file), **auth))
        same = raw.status_code == 200 and raw.json()["data"] == payload["data"]
        if not same:
            raise SystemExit(f"raw view's answer differs from GraphQL's for N={n}")

        first, steady = len(first_queries), len(queries)
        print(
            f"N={n:>3}: GraphQL request {steady} queries (all threads: {steady_all}; first request"
            f" of the token: {first}, all threads {first_all}, incl. the last_used_at UPDATE);"
            f" raw view {len(raw_queries)} queries; same data: {same}"
        )
        out[f"queries_n{n}"] = max(steady, steady_all)
        out[f"queries_first_request_n{n}"] = max(first, first_all)
        out[f"queries_raw_view_n{n}"] = len(raw_queries)
        # Over the target, or more than for the smallest file: print the SQL.
        steady_count = out[f"queries_n{n}"]
        flat = out.get(f"queries_n{min(seeded.files)}", steady_count)
        over = steady_count > target or steady_count != flat
        _explain_queries(f"GraphQL N={n}", queries, show_sql or over)
    return out


@contextlib.contextmanager
def _patched(owner: Any, name: str, wrap: Any) -> Iterator[None]:
    original = owner.__dict__[name]
    setattr(owner, name, wrap(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def _sync_timer(totals: Counter, label: str) -> Any:
    def wrap(original: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - started

        return timed

    return wrap


def _async_timer(totals: Counter, label: str) -> Any:
    def wrap(original: Any) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - started

        return timed

    return wrap


def _hop_counter(hops: Counter) -> Any:
    def wrap(original: Any) -> Any:
        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            func = self.func
            hops[f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', func)}"] += 1
            return await original(self, *args, **kwargs)

        return counted

    return wrap


def profile_in_process(file: SponsorFile, batches: int = 6, per_batch: int = 10) -> None:
    """Where a request's time goes, both kinds, in-process through Django's ASGI path
    (``AsyncClient``, as under daphne), one request at a time: wall time of the main stages and
    the sync_to_async thread hops each request makes (each hop is a thread hand-off)."""
    client = AsyncClient()
    headers = {"Authorization": f"Bearer {file.token}"}
    body = graphql_body(file)
    totals: dict[str, Counter] = {"graphql": Counter(), "raw": Counter()}
    hops: dict[str, Counter] = {"graphql": Counter(), "raw": Counter()}

    async def request(kind: str) -> None:
        started = time.perf_counter()
        if kind == "graphql":
            response = await client.post(
                "/graphql/", body, content_type="application/json", headers=headers
            )
        else:
            response = await client.get(raw_path(file), headers=headers)
        totals[kind]["request, end to end"] += time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(response.content[:500])

    async def run(kind: str, count: int, measure: bool) -> None:
        sink_t, sink_h = (totals[kind], hops[kind]) if measure else (Counter(), Counter())
        with (
            _patched(SyncToAsync, "__call__", _hop_counter(sink_h)),
            _patched(CursorWrapper, "execute", _sync_timer(sink_t, "SQL execution (cursor)")),
            _patched(
                SQLCompiler,
                "execute_sql",
                _sync_timer(sink_t, "ORM: compile SQL + execute + fetch (execute_sql)"),
            ),
            _patched(Schema, "execute", _async_timer(sink_t, "strawberry Schema.execute")),
            _patched(
                DjangoOptimizerExtension,
                "optimize",
                _sync_timer(sink_t, "optimizer: planning querysets (incl. get_queryset)"),
            ),
        ):
            for _ in range(count):
                await request(kind)

    for kind in totals:  # warm-up
        asyncio.run(run(kind, per_batch, measure=False))
    for _ in range(batches):
        for kind in totals:
            asyncio.run(run(kind, per_batch, measure=True))
    n = batches * per_batch
    print(f"\nwhere the time goes (in-process ASGI path, N={file.n}, mean of {n} requests):")
    for kind in totals:
        print(f"  {kind}:")
        for label, seconds in sorted(totals[kind].items(), key=lambda kv: -kv[1]):
            print(f"    {seconds / n * 1000:8.2f} ms  {label}")
        print(f"    {sum(hops[kind].values()) / n:8.1f}     sync_to_async thread hops, of which:")
        for label, k in hops[kind].most_common(4):
            print(f"    {k / n:8.1f}       {label}")
