"""Submit benchmark: renewals created and submitted over the API while the workers settle their
agency checks, against PostgreSQL, as production runs (docs/operations.md).

The shape: ``--web`` (2) daphne processes and ``--workers`` (2) ``application_worker`` processes
on a PostgreSQL database and a Redis channel prefix of the run's own; ``--submissions`` (1,000)
sponsors, each renewing one child (distinct people), seeded through ``core.households``; a
client of ``--concurrency`` (8) threads that, for each, creates and submits the renewal over
HTTP with the sponsor's API token, the web processes taken in turn: in one call, as an HR
system does (``createRenewal(submit: true)``), or with ``--two-calls`` as an applicant's screens
do (``createRenewal``, then ``submitApplication``).
The agencies are the simulator, answering in ``--latency-ms`` (50) ms.

Measured: submissions per second (all of them over the wall time from the first request to the
last answer), the p50/p95/max of one create + submit, the seconds from the last submission's
answer to the last agency check settled (the database's own timestamps), and
``queued_duplicates``: the times a check was taken beyond its first (the sweeper's flood of
issue 14; a check's row is its only queue entry, so this counts work done twice). Before the
load, the SQL statements of one create + submit are counted in this process (Django's test
client on the same database) for a family renewing one child and one renewing four, both ways:
they must be the same. Printed: the figures, the CPU each party used; the last
line is one JSON object.

Run: ``.venv/bin/python bench/submit.py`` (about two minutes). Everything it starts is stopped
and its database dropped, also on error or SIGTERM; ``--keep-logs DIR`` keeps the logs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    cpu_seconds,
    daphne_processes,
    exit_on_sigterm,
    jiffies_to_seconds,
    machine_cpu,
    postgres_cpu_seconds,
    service_run,
)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--web", type=int, default=2, help="daphne processes (2)")
    parser.add_argument("--workers", type=int, default=2, help="application workers (2)")
    parser.add_argument("--latency-ms", type=int, default=50, help="agency answer time (50)")
    parser.add_argument("--settle-timeout", type=float, default=180)
    parser.add_argument(
        "--two-calls",
        action="store_true",
        help="createRenewal, then submitApplication (default: createRenewal(submit: true))",
    )
    parser.add_argument("--keep-logs", help="copy the processes' logs into this directory")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    exit_on_sigterm("submit")
    summary: dict[str, Any] = {}
    with service_run("submit", latency_ms=args.latency_ms, keep_logs=args.keep_logs) as run:
        server_env = {**run.env, "DB_POOL_MAX_SIZE": "12"}
        worker_env = {**run.env, "DB_POOL_MAX_SIZE": "20"}
        database = run.database
        django.setup()
        # Only now: these use the models and the services, which need the set-up above.
        from bench import submit_load, submit_measure, submit_seed

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        renewing = submit_seed.seed(args.submissions)
        statements = submit_measure.statements_per_submission(submit_seed)
        print(
            f"seeded {len(renewing)} sponsors in {time.perf_counter() - started:.0f}s; "
            f"statements of one create + submit: {statements}",
            flush=True,
        )
        connections.close_all()
        names = [f"web{i + 1}" for i in range(args.web)]
        with daphne_processes(server_env, names, args.keep_logs) as daphnes:
            workers = submit_load.Workers(worker_env, args.workers, run.logs)
            try:
                cpu_before = _cpu(daphnes, workers, database.name)
                machine_before = machine_cpu()
                load = submit_load.run(
                    [d.url for d in daphnes], renewing, args.concurrency, args.two_calls
                )
                print(f"load done: {len(load.seconds)} submitted, {len(load.errors)} errors")
                settled = submit_measure.wait_settled(args.settle_timeout)
                cpu_after = _cpu(daphnes, workers, database.name)
                machine_after = machine_cpu()
            finally:
                workers.stop()
        summary = submit_measure.summary(load, settled, statements, args)
        used = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
        busy = jiffies_to_seconds(machine_after[0] - machine_before[0])
        # Redis, the kernel's work for the run, and whatever else ran meanwhile (another
        # engineer's tests on a shared machine).
        used["everything else"] = busy - sum(used.values())
        summary["cpu_seconds"] = {k: round(v, 1) for k, v in used.items()}
        ours = sum(v for k, v in used.items() if k != "everything else")
        summary["cpu_ms_per_submission"] = round(1000 * ours / max(1, len(load.seconds)), 1)
        summary["machine_busy"] = round(
            (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1]),
            2,
        )

    for key, value in summary.items():
        if key != "line":
            print(f"{key}: {value}")
    print(json.dumps(summary["line"]))
    return 0


def _cpu(daphnes: list, workers: Any, database_name: str) -> dict[str, float]:
    return {
        **{f"daphne_{d.name}": cpu_seconds(d.pid) for d in daphnes},
        **{f"worker_{i + 1}": cpu_seconds(pid) for i, pid in enumerate(workers.pids())},
        "bench": sum(os.times()[:2]),
        "postgres": postgres_cpu_seconds(database_name),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
