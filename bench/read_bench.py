"""Read-path benchmark: what one "my sponsor file" GraphQL read costs.

Why these two numbers:

1. **SQL queries per request.** The read a sponsor's app makes most (the sponsor, its
   dependents, each dependent's person and that person's permits) crosses a connection, a
   relation and a list, each narrowed by a visibility rule in ``get_queryset``. Without the
   optimizer doing its job that is an N+1 (or N*M) read. We count every query one request makes
   through the real view (``django.test.Client`` posting to ``/graphql/`` with a bearer token,
   so the token lookup is included) for a sponsor with 5 and with 50 dependents: the count must
   be small (target <= 6) and must not grow with N. The first request of a token in a minute
   also writes ``last_used_at``; that one is reported separately, the steady state is what
   counts.

2. **Throughput against a hand-written view.** ``bench/raw_views.py`` answers the same read
   with plain Django: same token auth, same ``core.access`` filters, same page sizes and
   orderings, same JSON, and the same five SQL statements. So ``graphql_rps / raw_rps`` is the
   price of the GraphQL layer itself (parsing, validation, limits, optimizer, resolvers,
   serialization). Both are served by one real daphne process (``bench.settings``: the
   service's settings with ``bench.urls`` as the URLconf, ``DEBUG=0``), driven by an async
   httpx client at a fixed concurrency for a fixed time, after a warm-up, in alternating rounds
   (GraphQL first, then raw first, ...) so machine noise hits both alike. N = 50. Target >= 0.5.

Database: ``DATABASE_URL`` when set (a PostgreSQL database named there is created if missing
and then dropped; a SQLite file likewise; a database that already existed keeps its data and
only loses the rows this run seeded). When unset: a dedicated PostgreSQL database
``iqama_read_bench_<pid>`` (created, then dropped) if PostgreSQL answers on 127.0.0.1:5432,
else a throwaway SQLite file ``var/read_bench_<pid>.sqlite3``. The choice is printed.

Run: ``cd /work/main && .venv/bin/python bench/read_bench.py`` (about a minute). Options:
``--rounds``, ``--seconds``, ``--concurrency``, ``--sql`` (print the SQL of the counted
requests), ``--profile`` (a breakdown of where each kind's time goes: SQL, optimizer, GraphQL
execution, thread hops). The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import random
import re
import secrets
import signal
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.daphne_process import DaphneProcess, cpu_seconds  # noqa: E402
from tests.support.postgres import create_database, drop_database  # noqa: E402

QUERY = """
query SponsorFile($id: ID!) {
  sponsor(id: $id) {
    nameEn
    dependents(first: 100) {
      edges { node {
        relation
        person { civilId nameEn nameAr permits { article expiresOn status } }
      } }
    }
  }
}
"""
QUERY_TARGET = 6
RATIO_TARGET = 0.5
SIZES = (5, 50)
RPS_SIZE = 50
# Per run (pid), so that two runs at once never drop each other's database.
DEFAULT_PG_NAME = f"iqama_read_bench_{os.getpid()}"
DEFAULT_SQLITE = ROOT / "var" / f"read_bench_{os.getpid()}.sqlite3"


# --------------------------------------------------------------------------- database


@dataclass
class BenchDatabase:
    """The database the run uses, and whether the run owns it (then it drops it at the end)."""

    url: str
    vendor: str
    name: str
    owned: bool = False

    @classmethod
    def choose(cls) -> BenchDatabase:
        url = os.environ.get("DATABASE_URL", "").strip()
        if url:
            scheme = urlsplit(url).scheme
            if scheme.startswith("postgres"):
                return cls(url, "postgresql", _pg_name(url))
            if scheme == "sqlite":
                path = _sqlite_path(url)
                # Absolute, so that daphne (started in the project root) opens the same file.
                return cls(f"sqlite:///{path}", "sqlite", path)
            return cls(url, scheme, url)
        if _answers("127.0.0.1", 5432):
            url = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_PG_NAME}"
            return cls(url, "postgresql", DEFAULT_PG_NAME)
        return cls(f"sqlite:///{DEFAULT_SQLITE}", "sqlite", str(DEFAULT_SQLITE))

    def create(self) -> None:
        if self.vendor == "postgresql":
            self.owned = create_database(self.url, self.name)
        elif self.vendor == "sqlite":
            path = Path(self.name)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                self.owned = True

    def drop(self) -> None:
        if not self.owned:
            return
        if self.vendor == "postgresql":
            drop_database(self.url, self.name)
        elif self.vendor == "sqlite":
            _remove_sqlite(Path(self.name))

    def describe(self) -> str:
        where = "created and dropped by this run" if self.owned else "existing; seeded rows removed"
        return f"{self.vendor} {self.name} ({where})"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _pg_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _sqlite_path(url: str) -> str:
    # As dj-database-url reads it: sqlite:///relative.db (from the working directory),
    # sqlite:////absolute.db.
    path = urlsplit(url).path[1:]
    if path in ("", ":memory:"):
        raise SystemExit("an in-memory SQLite database cannot be shared with daphne: use a file")
    return str(Path(path).resolve())


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------- seeding


@dataclass
class SponsorFile:
    n: int
    pk: int
    global_id: str
    token: str


@dataclass
class Seeded:
    files: dict[int, SponsorFile] = field(default_factory=dict)
    sponsor_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    def remove(self) -> None:
        """Delete what the run seeded (used when the database is not ours to drop)."""
        from django.contrib.auth import get_user_model

        from core.models import Person, ResidencyPermit, Sponsor

        ResidencyPermit.objects.filter(sponsor_id__in=self.sponsor_ids).delete()
        Sponsor.objects.filter(pk__in=self.sponsor_ids).delete()
        Person.objects.filter(pk__in=self.person_ids).delete()
        get_user_model().objects.filter(pk__in=self.user_ids).delete()


def _civil_ids(count: int, rng: random.Random) -> list[tuple[str, dt.date]]:
    """Valid civil IDs (with the birth date they encode) that no one in the database has."""
    from core.civil_id import make_civil_id
    from core.models import Person

    out: dict[str, dt.date] = {}
    while len(out) < count:
        batch: dict[str, dt.date] = {}
        while len(batch) < count - len(out):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
            batch[make_civil_id(born, rng.randrange(10_000))] = born
        taken = set(Person.objects.filter(civil_id__in=batch).values_list("civil_id", flat=True))
        out.update({cid: born for cid, born in batch.items() if cid not in taken})
    return list(out.items())[:count]


def seed(sizes: tuple[int, ...]) -> Seeded:
    """An individual sponsor (who signs in with an API token) per size, with that many
    dependents holding one permit each; plus a company and another family the sponsor must
    not see, so that the visibility rules have something to exclude."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from strawberry import relay

    from core.articles import Article, Relation, SponsorKind
    from core.models import Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
    from core.services.accounts import api_token_create

    User = get_user_model()
    rng = random.Random(1959)
    tag = secrets.token_hex(3)
    today = timezone.localdate()
    seeded = Seeded()
    background_workers, other_family = 30, 3
    ids = iter(_civil_ids(sum(sizes) + len(sizes) + background_workers + other_family + 1, rng))

    def people(count: int, label: str) -> list[Person]:
        rows = []
        for i in range(count):
            civil_id, born = next(ids)
            rows.append(
                Person(
                    civil_id=civil_id,
                    name_en=f"{label} {i}",
                    name_ar=f"شخص {i}",
                    nationality=("IND", "EGY", "PHL", "PAK")[i % 4],
                    date_of_birth=born,
                    sex="MF"[i % 2],
                    passport_number=f"B{rng.randrange(10**7):07d}",
                    passport_expiry=today + dt.timedelta(days=900),
                )
            )
        created = Person.objects.bulk_create(rows)
        seeded.person_ids.extend(p.pk for p in created)
        return created

    def user(name: str) -> Any:
        u = User.objects.create_user(username=f"bench-{tag}-{name}", password=None)
        seeded.user_ids.append(u.pk)
        return u

    def sponsor_of(members: list[Person], sponsor: Sponsor, relation: str, article: int) -> None:
        Dependent.objects.bulk_create(
            Dependent(sponsor=sponsor, person=p, relation=relation) for p in members
        )
        permits = []
        for i, p in enumerate(members):
            expires = today + dt.timedelta(days=(200, 20, -5, 400)[i % 4])
            permits.append(
                ResidencyPermit(
                    holder=p,
                    sponsor=sponsor,
                    article=article,
                    issued_on=expires - dt.timedelta(days=365),
                    expires_on=expires,
                    cancelled_at=timezone.now() if i % 7 == 6 else None,
                )
            )
        ResidencyPermit.objects.bulk_create(permits)

    def individual(n: int, label: str) -> tuple[Sponsor, Any]:
        (head,) = people(1, f"{label} head")
        head.user = user(f"{label}-head")
        head.save(update_fields=["user"])
        sponsor = Sponsor.objects.create(
            kind=SponsorKind.INDIVIDUAL, person=head, monthly_salary="1500.000"
        )
        seeded.sponsor_ids.append(sponsor.pk)
        sponsor_of(people(n, f"{label} dependent"), sponsor, Relation.CHILD, Article.FAMILY_JOIN)
        return sponsor, head.user

    with transaction.atomic():
        company = Sponsor.objects.create(
            kind=SponsorKind.COMPANY,
            name_en=f"Bench Contracting {tag}",
            name_ar="شركة",
            commercial_registration=f"CR-B-{tag}",
            manpower_file_number=f"MPA-B-{tag}",
        )
        seeded.sponsor_ids.append(company.pk)
        SponsorStaff.objects.create(sponsor=company, user=user("hr"))
        sponsor_of(
            people(background_workers, "Worker"),
            company,
            Relation.EMPLOYEE,
            Article.PRIVATE_SECTOR,
        )
        individual(other_family, "other")
        for n in sizes:
            sponsor, head_user = individual(n, f"n{n}")
            _, raw = api_token_create(user=head_user, name=f"read bench n={n}")
            seeded.files[n] = SponsorFile(
                n=n, pk=sponsor.pk, global_id=relay.to_base64("Sponsor", sponsor.pk), token=raw
            )
    return seeded


# --------------------------------------------------------------------------- query counts


def graphql_body(file: SponsorFile) -> str:
    return json.dumps({"query": QUERY, "variables": {"id": file.global_id}})


def raw_path(file: SponsorFile) -> str:
    return f"/bench/raw/sponsor/{file.pk}/"


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


def count_queries(seeded: Seeded, show_sql: bool) -> dict[str, Any]:
    """Per size: the queries of one GraphQL request through the real view, first and steady.

    ``CaptureQueriesContext`` sees the default connection of this thread, which is where the
    view's sync_to_async work runs under the test client; a process-wide count of cursor
    executions (any thread, any connection) is taken alongside as a cross-check."""
    from django.db import connection
    from django.db.backends.utils import CursorWrapper
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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
        over = out[f"queries_n{n}"] > QUERY_TARGET or out[f"queries_n{n}"] != out.get(
            f"queries_n{SIZES[0]}", out[f"queries_n{n}"]
        )
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


def profile_in_process(seeded: Seeded, batches: int = 6, per_batch: int = 10) -> None:
    """Where a request's time goes, both kinds, in-process through Django's ASGI path
    (``AsyncClient``, as under daphne), one request at a time: wall time of the main stages and
    the sync_to_async thread hops each request makes (each hop is a thread hand-off)."""
    from asgiref.sync import SyncToAsync
    from django.db.backends.utils import CursorWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django.test import AsyncClient
    from strawberry.schema.schema import Schema
    from strawberry_django.optimizer import DjangoOptimizerExtension

    file = seeded.files[RPS_SIZE]
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
    print(f"\nwhere the time goes (in-process ASGI path, N={RPS_SIZE}, mean of {n} requests):")
    for kind in totals:
        print(f"  {kind}:")
        for label, seconds in sorted(totals[kind].items(), key=lambda kv: -kv[1]):
            print(f"    {seconds / n * 1000:8.2f} ms  {label}")
        print(f"    {sum(hops[kind].values()) / n:8.1f}     sync_to_async thread hops, of which:")
        for label, k in hops[kind].most_common(4):
            print(f"    {k / n:8.1f}       {label}")


# --------------------------------------------------------------------------- daphne + load


async def _burst(call: Any, seconds: float, concurrency: int) -> tuple[int, float]:
    """``concurrency`` workers repeating ``call`` for ``seconds``; (requests, elapsed)."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, time.perf_counter() - started


async def measure_rps(
    base_url: str,
    file: SponsorFile,
    *,
    rounds: int,
    seconds: float,
    concurrency: int,
    server_pid: int | None = None,
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {file.token}"}
    body = graphql_body(file).encode()
    json_type = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:

        async def check(response: httpx.Response) -> None:
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")

        async def graphql() -> None:
            await check(await client.post("/graphql/", content=body, headers=json_type))

        async def raw() -> None:
            await check(await client.get(raw_path(file)))

        first_g = (await client.post("/graphql/", content=body, headers=json_type)).json()
        first_r = (await client.get(raw_path(file))).json()
        if first_g.get("data") != first_r.get("data"):
            raise RuntimeError("through daphne, the raw view's answer differs from GraphQL's")

        kinds = {"graphql": graphql, "raw": raw}
        for call in kinds.values():  # warm-up: connections, caches, the thread pool
            await _burst(call, min(2.0, seconds), concurrency)

        totals = {name: [0, 0.0] for name in kinds}
        cpu = dict.fromkeys(kinds, 0.0)
        ratios = []
        for r in range(rounds):
            order = list(kinds) if r % 2 == 0 else list(reversed(kinds))
            rates = {}
            for name in order:
                cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
                count, elapsed = await _burst(kinds[name], seconds, concurrency)
                if server_pid:
                    cpu[name] += cpu_seconds(server_pid) - cpu_before
                totals[name][0] += count
                totals[name][1] += elapsed
                rates[name] = count / elapsed
            ratios.append(rates["graphql"] / rates["raw"])
            print(
                f"round {r + 1}/{rounds} ({' then '.join(order)}): graphql"
                f" {rates['graphql']:.1f} rps, raw {rates['raw']:.1f} rps,"
                f" ratio {ratios[-1]:.3f}"
            )
    graphql_rps = totals["graphql"][0] / totals["graphql"][1]
    raw_rps = totals["raw"][0] / totals["raw"][1]
    server_cpu = {}
    if server_pid:
        # What a request costs the server's CPU, the resource the rates are bound by here.
        per_request = {name: cpu[name] / totals[name][0] * 1000 for name in kinds}
        server_cpu = {
            "server_cpu_ms_per_request": {k: round(v, 1) for k, v in per_request.items()},
            "server_cpu_ratio": round(per_request["raw"] / per_request["graphql"], 3),
        }
    return {
        "graphql_rps": round(graphql_rps, 1),
        "raw_rps": round(raw_rps, 1),
        "ratio_vs_raw_view": round(graphql_rps / raw_rps, 3),
        "ratio_per_round_median": round(statistics.median(ratios), 3),
        "ratio_per_round_min": round(min(ratios), 3),
        "ratio_per_round_max": round(max(ratios), 3),
        "requests": {name: t[0] for name, t in totals.items()},
        **server_cpu,
    }


# --------------------------------------------------------------------------- main


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _terminate(signum: int, frame: Any) -> None:
    print(f"read_bench: signal {signum}, stopping daphne and cleaning up", file=sys.stderr)
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: daphne is stopped


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=_positive, default=6, help="alternating rounds (default 6)"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per kind per round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sql", action="store_true", help="print the SQL of counted requests")
    parser.add_argument(
        "--profile", action="store_true", help="where the time goes, in-process (slower)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)

    started = time.perf_counter()
    database = BenchDatabase.choose()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_urlsafe(48)}")
    server_env = {**os.environ, "DEBUG": "0", "PYTHONPATH": str(ROOT)}

    summary: dict[str, Any] = {}
    seeded: Seeded | None = None
    daphne: DaphneProcess | None = None
    try:
        database.create()
        print(f"database: {database.describe()}", flush=True)
        import django

        django.setup()
        # The service's LOGGING sends INFO to the console: httpx would log every request.
        for noisy in ("httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        seeded = seed(SIZES)
        db_settings = settings.DATABASES["default"]
        pool = db_settings.get("OPTIONS", {}).get("pool")
        connections_desc = (
            f"pool of {pool['max_size']}"
            if isinstance(pool, dict)
            else f"CONN_MAX_AGE={db_settings.get('CONN_MAX_AGE')}"
        )
        print(f"seeded sponsors with N = {', '.join(map(str, SIZES))} dependents", flush=True)

        summary.update(count_queries(seeded, args.sql))
        if args.profile:
            profile_in_process(seeded)
        connections.close_all()

        daphne = DaphneProcess(server_env)
        daphne.start()
        daphne.wait_healthy()
        print(
            f"daphne on {daphne.base_url} (DEBUG=0, connections: {connections_desc});"
            f" N={RPS_SIZE}, concurrency {args.concurrency}, {args.rounds} rounds x"
            f" {args.seconds:g}s per kind",
            flush=True,
        )
        summary.update(
            asyncio.run(
                measure_rps(
                    daphne.base_url,
                    seeded.files[RPS_SIZE],
                    rounds=args.rounds,
                    seconds=args.seconds,
                    concurrency=args.concurrency,
                    server_pid=daphne.proc.pid if daphne.proc else None,
                )
            )
        )
    finally:
        if daphne is not None:
            daphne.stop()
        if seeded is not None and not database.owned:
            try:
                seeded.remove()
            except Exception as exc:  # report, and go on stopping and cleaning up
                print(f"read_bench: could not remove the seeded rows: {exc!r}", file=sys.stderr)
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()

    q5, q50 = summary[f"queries_n{SIZES[0]}"], summary[f"queries_n{SIZES[1]}"]
    ratio = summary["ratio_vs_raw_view"]
    print(
        f"queries: N={SIZES[0]} {q5}, N={SIZES[1]} {q50}"
        f" ({'OK' if q5 == q50 <= QUERY_TARGET else 'MISSES'} target <= {QUERY_TARGET}, flat in N);"
        f" ratio {ratio} ({'OK' if ratio >= RATIO_TARGET else 'MISSES'} target >= {RATIO_TARGET});"
        f" {time.perf_counter() - started:.0f}s"
    )
    print(
        json.dumps(
            {
                "queries_n5": q5,
                "queries_n50": q50,
                "ratio_vs_raw_view": ratio,
                **{k: v for k, v in summary.items() if k not in ("queries_n5", "queries_n50")},
                "database": database.vendor,
                "concurrency": args.concurrency,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
