"""Bulk renewal benchmark: a company's HR system renews ``--workers`` (1,000) workers in one
``bulkRenewal`` call, with its API token, while two application workers settle their agency
checks, against PostgreSQL, as production runs (docs/operations.md).

The shape: one daphne process and ``--processes`` (2) ``application_worker`` processes on a
PostgreSQL database and a Redis channel prefix of the run's own; a company with ``--workers``
workers on its file, each permit inside the renewal window, seeded through ``core.households``
(their simulated agency records are whatever their civil IDs draw: some fined, some before the
courts, as a real workforce); the agencies are the simulator, answering in ``--latency-ms`` (50)
ms.

Measured: ``accept_s``, the seconds from sending the mutation to its answer (the job accepted);
``settle_s``, from that answer to the last agency check of the job's workers settled (clear,
review or blocked; the database's own timestamps); ``lost``, workers with no outcome when the
run ends (not refused, and not on an application with every check settled) plus checks still
unsettled. Also printed: the outcomes by count, the CPU each party used. The last line is one
JSON object: ``{"workers": 1000, "accept_s": …, "settle_s": …, "lost": …}``.

Run: ``.venv/bin/python bench/bulk.py`` (about a minute). Everything it starts is stopped and its
database dropped, also on error or SIGTERM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django
import httpx
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    cpu_seconds,
    daphne_processes,
    exit_on_sigterm,
    postgres_cpu_seconds,
    service_run,
)

BULK = """mutation($s: ID!, $w: [BulkWorkerInput!]!, $k: String!) {
  bulkRenewal(sponsorId: $s, workers: $w, idempotencyKey: $k) {
    job { id state requested } errors { code message } } }"""


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1000, help="workers to renew (1000)")
    parser.add_argument("--processes", type=int, default=2, help="application workers (2)")
    parser.add_argument("--latency-ms", type=int, default=50, help="agency answer time (50)")
    parser.add_argument("--settle-timeout", type=float, default=180)
    parser.add_argument("--keep-logs", help="copy the processes' logs into this directory")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    exit_on_sigterm("bulk")
    summary: dict[str, Any] = {}
    with service_run("bulk", latency_ms=args.latency_ms, keep_logs=args.keep_logs) as run:
        django.setup()
        # Only now: these use the models and the services, which need the set-up above.
        from bench import bulk_measure, submit_load

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        company = bulk_measure.seed(args.workers)
        print(f"seeded {args.workers} workers in {time.perf_counter() - started:.0f}s", flush=True)
        connections.close_all()
        with daphne_processes(run.env, ["web"], args.keep_logs) as [web]:
            workers = submit_load.Workers(run.env, args.processes, run.logs)
            try:
                cpu_before = _cpu(web, workers)
                sent = time.monotonic()
                answered_at, answer = _send(web.url, company)
                accept_s = time.monotonic() - sent
                print(f"accepted in {accept_s:.2f}s: {answer}", flush=True)
                settled = bulk_measure.wait_settled(answer["job"]["id"], args.settle_timeout)
                cpu_after = _cpu(web, workers)
            finally:
                workers.stop()
        summary = bulk_measure.summary(args, accept_s, answered_at, settled)
        summary["cpu_seconds"] = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before}

    for key, value in summary.items():
        if key != "line":
            print(f"{key}: {value}")
    print(json.dumps(summary["line"]))
    return 0


def _send(url: str, company: Any) -> tuple[dt.datetime, dict]:
    """The HR system's one call; when its answer came (the clock the database's rows use)."""
    variables = {"s": company.sponsor_gid, "w": company.workers, "k": f"bench-{os.getpid()}"}
    with httpx.Client(timeout=60) as http:
        response = http.post(
            f"{url}/graphql/",
            json={"query": BULK, "variables": variables},
            headers={"Authorization": f"Bearer {company.token}"},
        )
    answered_at = dt.datetime.now(dt.UTC)
    response.raise_for_status()
    payload = response.json()["data"]["bulkRenewal"]
    if payload["errors"]:
        raise RuntimeError(f"refused: {payload['errors']}")
    return answered_at, payload


def _cpu(web: Any, workers: Any) -> dict[str, float]:
    return {
        "daphne": cpu_seconds(web.pid),
        **{f"worker_{i + 1}": cpu_seconds(pid) for i, pid in enumerate(workers.pids())},
        "bench": sum(os.times()[:2]),
        "postgres": postgres_cpu_seconds(),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
