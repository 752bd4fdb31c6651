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

The parts: ``read_database.py`` (the database), ``read_data.py`` (the seeded sponsor files and
the request), ``read_queries.py`` (query counts, the profile), ``read_load.py`` (the load
through daphne); ``common.py`` is shared with ``fanout.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import daphne_processes, exit_on_sigterm  # noqa: E402
from bench.read_database import BenchDatabase  # noqa: E402

QUERY_TARGET = 6
RATIO_TARGET = 0.5
SIZES = (5, 50)
RPS_SIZE = 50


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _arguments(argv: list[str]) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def _connections() -> str:
    db_settings = settings.DATABASES["default"]
    pool = db_settings.get("OPTIONS", {}).get("pool")
    if isinstance(pool, dict):
        return f"pool of {pool['max_size']}"
    return f"CONN_MAX_AGE={db_settings.get('CONN_MAX_AGE')}"


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    exit_on_sigterm("read_bench")
    started = time.perf_counter()
    database = BenchDatabase.choose()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_urlsafe(48)}")
    server_env = {**os.environ, "DEBUG": "0", "PYTHONPATH": str(ROOT)}

    summary: dict[str, Any] = {}
    seeded = None
    try:
        database.create()
        print(f"database: {database.describe()}", flush=True)
        django.setup()
        # The service's LOGGING sends INFO to the console: httpx would log every request.
        for noisy in ("httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # Only now: these use the models and Django's test clients, which need the set-up above.
        from bench import read_data, read_load, read_queries

        call_command("migrate", verbosity=0, interactive=False)
        seeded = read_data.seed(SIZES)
        print(f"seeded sponsors with N = {', '.join(map(str, SIZES))} dependents", flush=True)

        summary.update(read_queries.count_queries(seeded, args.sql, QUERY_TARGET))
        if args.profile:
            read_queries.profile_in_process(seeded.files[RPS_SIZE])
        connections.close_all()

        with daphne_processes(server_env, ["daphne"]) as (daphne,):
            print(
                f"daphne on {daphne.url} (DEBUG=0, connections: {_connections()});"
                f" N={RPS_SIZE}, concurrency {args.concurrency}, {args.rounds} rounds x"
                f" {args.seconds:g}s per kind",
                flush=True,
            )
            rps = read_load.measure_rps(
                daphne.url,
                seeded.files[RPS_SIZE],
                rounds=args.rounds,
                seconds=args.seconds,
                concurrency=args.concurrency,
                server_pid=daphne.pid,
            )
            summary.update(asyncio.run(rps))
    finally:
        if seeded is not None and not database.owned:
            try:
                seeded.remove()
            except Exception as exc:  # report, and go on stopping and cleaning up
                print(f"read_bench: could not remove the seeded rows: {exc!r}", file=sys.stderr)
        if apps.ready:
            connections.close_all()
        database.drop()

    report(summary, database.vendor, args.concurrency, time.perf_counter() - started)
    return 0


def report(summary: dict[str, Any], vendor: str, concurrency: int, seconds: float) -> None:
    q5, q50 = summary[f"queries_n{SIZES[0]}"], summary[f"queries_n{SIZES[1]}"]
    ratio = summary["ratio_vs_raw_view"]
    print(
        f"queries: N={SIZES[0]} {q5}, N={SIZES[1]} {q50}"
        f" ({'OK' if q5 == q50 <= QUERY_TARGET else 'MISSES'} target <= {QUERY_TARGET}, flat in N);"
        f" ratio {ratio} ({'OK' if ratio >= RATIO_TARGET else 'MISSES'} target >= {RATIO_TARGET});"
        f" {seconds:.0f}s"
    )
    print(
        json.dumps(
            {
                "queries_n5": q5,
                "queries_n50": q50,
                "ratio_vs_raw_view": ratio,
                **{k: v for k, v in summary.items() if k not in ("queries_n5", "queries_n50")},
                "database": vendor,
                "concurrency": concurrency,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
