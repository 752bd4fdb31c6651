"""Fan-out benchmark: commit-to-delivery latency of application events to 1,000 websockets.

The shape: ``--subscribers`` (1,000) graphql-transport-ws websockets, each with one
``applicationUpdated(id)`` subscription, split evenly across two daphne processes that share
Redis (channels-redis) and a PostgreSQL database. By default they watch ``--apps`` (250)
applications, four screens per application (two on each process): every sponsor has the
application open on a couple of devices. Each websocket authenticates with its sponsor's API
token in ``connection_init``.

Then this process moves every application through its life with the real services, one
committed transaction per change, as the web processes and the agency-check workers do:
``application_submit`` (SUBMITTED and CHECKING, one commit), one check result per agency
(``announce_check``, as the worker records it), ``application_transition`` to
AWAITING_PAYMENT with the amount due, ``application_cancel``: seven events per application, plus
whatever else the services record on the way (submit also notes the documents attached). The
events go out through ``realtime.broadcast`` after each commit; their ``sentAt`` is the
publisher's ``time.time()`` right after the commit (just before ``group_send``). The subscription
selects what an application screen shows (state, amount due, the event with its typed fields).

Measured, for every delivery: receipt time in the client (``time.time()`` as the frame is read;
same machine, same clock) minus ``sentAt``. Printed: p50/p99/max latency, and the events lost
(deliveries expected, from the history the services wrote, minus those received; duplicates and
strays are counted apart). Target: p99 <= 250 ms, nothing lost. Also printed: how long
``group_send`` took in the publisher, and the CPU each party used while the events flowed
(daphne processes, clients, this publisher, Redis, the whole machine), which is where to look
when the target is missed.

The clients run in ``--client-procs`` separate processes (default 1; one asyncio loop each, with
the ``websockets`` library), never in the publisher's process, so that neither's CPU delays the
other's timestamps. ``--rate`` caps the publishing rate (events/s; default: as fast as one
serial publisher goes, which is a burst far above this service's real peak).

Database: a dedicated PostgreSQL database ``iqama_fanout_<pid>`` on the server of
``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432``), created, migrated, seeded
and dropped by the run. Redis: ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) under a
channel prefix of this run's own, whose keys are deleted at the end. Everything started is
stopped, also on error or SIGTERM.

Run: ``cd /work/main && .venv/bin/python bench/fanout.py`` (about a minute). The last line
printed is one JSON object with the figures. ``--apps 10`` or ``--apps 1`` puts 100 or all
1,000 subscribers on each application (large groups: every event is then 500 GraphQL
executions in each daphne process); ``--dump FILE`` writes every delivery for diagnosis;
``--keep-logs DIR`` keeps the daphne logs; ``IQAMA_GC_THRESHOLDS`` is passed on to daphne.

What it found (2 cores, shared): full garbage collections in daphne stopping a process for
300-500 ms, from a graphql-core per-event leak (``schema/fastpath/subscriptions.py``) and from
the default GC thresholds with ~370,000 long-lived objects per 500 websockets
(``realtime/gc_tuning.py``).
Large groups cost about 1.5 ms of daphne CPU per delivery, two thirds of it thread hops for the
event's synchronous field resolvers: one event to 1,000 subscribers cannot meet the target on
two processes.

The parts: ``fanout_client.py`` (the client processes), ``fanout_services.py`` (the database
and Redis), ``fanout_seed.py`` (the applications watched), ``fanout_run.py`` (one measured run:
subscribers, ``fanout_publisher.py``, the drain), ``fanout_results.py`` (the figures);
``common.py`` is shared with ``read_bench.py``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import BenchDatabase, daphne_processes, exit_on_sigterm  # noqa: E402
from bench.fanout_client import ORIGIN, raise_fd_limit  # noqa: E402
from bench.fanout_results import report  # noqa: E402
from bench.fanout_services import delete_redis_keys  # noqa: E402


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=250, help="applications watched (250)")
    parser.add_argument("--client-procs", type=int, default=1, help="client processes (1)")
    parser.add_argument(
        "--rate", type=float, default=0, help="events/s cap (default: none, serial burst)"
    )
    parser.add_argument("--drain", type=float, default=10.0, help="max seconds to wait at end")
    parser.add_argument("--dump", help="write every delivery to this CSV file (diagnosis)")
    parser.add_argument("--keep-logs", help="copy the daphne logs into this directory")
    parser.add_argument(
        "--kill",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="SIGKILL one daphne half-way through (default: yes); its clients resume on the other",
    )
    args = parser.parse_args(argv)
    if args.apps > args.subscribers:
        parser.error("--apps may not exceed --subscribers")
    return args


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    exit_on_sigterm("fanout")
    started = time.perf_counter()
    fd_limit = raise_fd_limit(args.subscribers + 200)

    database = BenchDatabase.choose("fanout")
    redis_url = os.environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    prefix = f"iqama-fanout-{os.getpid()}-{secrets.token_hex(3)}"
    os.environ.update(
        {
            "DATABASE_URL": database.url,
            "REDIS_URL": redis_url,
            "CHANNEL_PREFIX": prefix,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or f"bench-only-{secrets.token_urlsafe(48)}",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    server_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "WEBSOCKET_ALLOWED_ORIGINS": ORIGIN,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }

    summary: dict[str, Any] = {}
    try:
        database.create()
        print(f"database: {database.describe()} (created; dropped at the end)", flush=True)
        django.setup()
        # Only now: these use the models and the services, which need the set-up above.
        from bench import fanout_run, fanout_seed

        call_command("migrate", verbosity=0, interactive=False)
        watched = fanout_seed.seed(args.apps)
        print(
            f"seeded {len(watched)} sponsors with a draft application each"
            f" ({time.perf_counter() - started:.0f}s)",
            flush=True,
        )
        connections.close_all()
        with daphne_processes(server_env, ["A", "B"], args.keep_logs) as daphnes:
            run = fanout_run.Run(args, watched, daphnes, redis_url, prefix)
            summary = run.measure(fd_limit)
    finally:
        if apps.ready:
            connections.close_all()
        try:
            database.drop()
        except Exception as exc:
            print(f"fanout: could not drop {database.name}: {exc!r}", file=sys.stderr)
        try:
            delete_redis_keys(redis_url, prefix)
        except Exception as exc:
            print(f"fanout: could not delete Redis keys {prefix}*: {exc!r}", file=sys.stderr)

    report(summary, args, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
