"""The fan-out benchmark's figures: every delivery matched to a published event (latency,
losses, duplicates, strays), the report whose last line is one JSON object, and ``--dump``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
from collections import Counter
from typing import Any

P99_TARGET_MS = 250.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def dump(path: str, results: list[dict[str, Any]], apps: int) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["subscriber", "daphne", "app", "at", "kind", "to", "sent", "received"])
        for result in results:
            for index, gid, at, kind, to_state, _state, sent, received in result["rows"]:
                daphne = "AB"[(index // apps) % 2]
                writer.writerow([index, daphne, gid, at, kind, to_state, sent, received])


def analyse(
    *,
    results: list[dict[str, Any]],
    published: dict[str, list[tuple]],
    watched_by: dict[int, str],
    expected: int,
) -> dict[str, Any]:
    """Match every delivery to a published event; latencies, losses, duplicates, strays."""
    wanted = {
        gid: {(at, kind, to): at for at, kind, to in events} for gid, events in published.items()
    }
    seen: Counter = Counter()
    latencies: list[float] = []
    strays = wrong_state = 0
    problems: Counter = Counter()
    samples: list[str] = []
    for result in results:
        problems.update(result["problems"])
        samples += result["samples"]
        for index, gid, at, kind, to_state, state, sent_at, received in result["rows"]:
            key = (dt.datetime.fromisoformat(at), kind, to_state)
            if gid != watched_by[index] or key not in wanted.get(gid, {}):
                strays += 1
                continue
            seen[(index, key)] += 1
            if seen[(index, key)] == 1:
                latencies.append((received - sent_at) * 1000)
            if not state:
                wrong_state += 1
    received_once = len(seen)
    duplicates = sum(seen.values()) - received_once
    return {
        "subscribers_connected": sum(r["connected"] for r in results),
        "closed_early": sum(r["closed_early"] for r in results),
        "reconnected": sum(len(r["reconnects"]) for r in results),
        "reconnect_p99_s": round(percentile([s for r in results for s in r["reconnects"]], 99), 2)
        if any(r["reconnects"] for r in results)
        else None,
        "expected_deliveries": expected,
        "received": received_once,
        "lost": expected - received_once,
        "duplicates": duplicates,
        "strays": strays,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p90_ms": round(percentile(latencies, 90), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "min_ms": round(min(latencies), 2) if latencies else None,
        "client_problems": dict(problems),
        "client_problem_samples": samples[:5],
        "client_cpu_seconds": [round(r["cpu_seconds"], 2) for r in results],
    }


def report(summary: dict[str, Any], args: argparse.Namespace, seconds: float) -> None:
    p99, lost = summary["p99_ms"], summary["lost"]
    ok = p99 is not None and p99 <= P99_TARGET_MS and lost == 0
    print(
        f"delivered {summary['received']} of {summary['expected_deliveries']}"
        f" ({summary['events']} events at {summary['events_per_second']}/s);"
        f" latency p50 {summary['p50_ms']} ms, p90 {summary['p90_ms']} ms, p99 {p99} ms,"
        f" max {summary['max_ms']} ms; lost {lost}, duplicates {summary['duplicates']},"
        f" strays {summary['strays']}"
    )
    print(
        f"group_send in the publisher: p50 {summary['group_send_p50_ms']} ms,"
        f" p99 {summary['group_send_p99_ms']} ms"
    )
    print(
        f"CPU while events flowed (share of one core): {summary['cpu_share_of_one_core']};"
        f" machine busy {summary['machine_busy']:.0%} of {summary['cores']} cores;"
        f" daphne RSS MB before/after: {summary['daphne_rss_mb']}"
    )
    if summary["client_problems"]:
        print(f"client problems: {summary['client_problems']} {summary['client_problem_samples']}")
    if args.kill:
        print(
            f"one daphne killed half-way: {summary['closed_early']} websockets dropped,"
            f" {summary['reconnected']} resumed on the other (p99 {summary['reconnect_p99_s']} s"
            " from the drop to the new subscription)"
        )
    print(
        f"{'OK' if ok else 'MISSES'} target p99 <= {P99_TARGET_MS:g} ms and none lost;"
        f" {seconds:.0f}s"
    )
    print(
        json.dumps(
            {
                "subscribers": summary["subscribers_connected"],
                "p50_ms": summary["p50_ms"],
                "p99_ms": p99,
                "lost": lost,
                **{
                    k: v
                    for k, v in summary.items()
                    if k not in ("subscribers_connected", "p50_ms", "p99_ms", "lost")
                    and not k.startswith("client_problem_samples")
                },
                "applications": args.apps,
                "client_procs": args.client_procs,
                "rate_cap": args.rate or None,
                "killed_one_daphne": args.kill,
            }
        )
    )
