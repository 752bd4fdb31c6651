"""What the submit benchmark reads from the database: the statements of one create + submit,
when the last check settled, and the checks taken more than once; and its summary.

Imported once Django is set up (the models).
"""

from __future__ import annotations

import argparse
import json
import time
from types import ModuleType
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.submit_load import CREATE, CREATE_AND_SUBMIT, SUBMIT, Load
from core.applications.models import FINISHED_CHECKS, AgencyCheck


def statements_per_submission(seed: ModuleType) -> dict[str, int]:
    """SQL statements of one create + submit, through the API, for one child and for four:
    in one call (``createRenewal(submit: true)``) and in two (``createRenewal``, then
    ``submitApplication``). Counted as the load runs: after a first renewal (not counted) has
    read the law this process keeps while its tables are unchanged (``core.law.rules``)."""
    counts = {}
    for two_calls in (None, False, True):
        for children in (1, 4) if two_calls is not None else (1,):
            (family,) = seed.seed(1, children, label=f"count{children}{two_calls}")
            client = Client(headers={"Authorization": f"Bearer {family.token}"})
            variables = {
                "sponsor": family.sponsor_gid,
                "people": [{"personId": gid, "months": 12} for gid in family.person_gids],
            }
            with CaptureQueriesContext(connection) as queries:
                if two_calls:
                    created = _post(client, CREATE, variables)
                    _post(client, SUBMIT, {"id": created["createRenewal"]["application"]["id"]})
                else:
                    _post(client, CREATE_AND_SUBMIT, variables)
            if two_calls is None:
                continue  # the first: the law read
            how = "two calls" if two_calls else "one call"
            counts[f"{how}, {children} person" + ("s" if children > 1 else "")] = len(queries)
    return counts


def _post(client: Client, query: str, variables: dict) -> dict:
    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), "application/json"
    )
    body = response.json()
    (payload,) = body["data"].values()
    if body.get("errors") or payload["errors"]:
        raise RuntimeError(f"{body}")
    return body["data"]


def wait_settled(timeout: float) -> dict[str, Any]:
    """Wait until no agency check is left unfinished; when the last one settled."""
    deadline = time.monotonic() + timeout
    while True:
        left = AgencyCheck.objects.exclude(status__in=FINISHED_CHECKS).count()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    last = AgencyCheck.objects.aggregate(at=Max("updated_at"))["at"]
    return {"unsettled": left, "last_settled_at": last.timestamp() if last else None}


def queued_duplicates() -> int:
    """Times a check was taken beyond its first. A check's row is its only queue entry, so
    this counts work done twice: a claim after a lease that ran out, or a retry (in a run
    where no worker dies and every agency answers, none)."""
    totals = AgencyCheck.objects.aggregate(attempts=Sum("attempts"), checks=Count("id"))
    return (totals["attempts"] or 0) - (totals["checks"] or 0)


def summary(
    load: Load, settled: dict[str, Any], statements: dict[str, int], args: argparse.Namespace
) -> dict[str, Any]:
    done = len(load.seconds)
    wall = max(1e-9, load.finished - load.started)
    last_answer_wall = time.time() - (time.monotonic() - load.finished)
    settle = (
        round(settled["last_settled_at"] - last_answer_wall, 2)
        if settled["last_settled_at"] and not settled["unsettled"]
        else None
    )
    line = {
        "submissions": done,
        "per_s": round(done / wall, 1),
        "p95_ms": round(percentile_ms(load.seconds, 95), 1),
        "settle_s": settle,
        "queued_duplicates": queued_duplicates(),
    }
    return {
        "errors": len(load.errors),
        "error_samples": load.errors[:3],
        "p50_ms": round(percentile_ms(load.seconds, 50), 1),
        "max_ms": round(max(load.seconds, default=0) * 1000, 1),
        "checks": AgencyCheck.objects.count(),
        "unsettled_checks": settled["unsettled"],
        "statements_per_create_and_submit": statements,
        "calls": "createRenewal, submitApplication" if args.two_calls else "createRenewal(submit)",
        "concurrency": args.concurrency,
        "web_processes": args.web,
        "workers": args.workers,
        "agency_latency_ms": args.latency_ms,
        "line": line,
    }


def percentile_ms(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000
