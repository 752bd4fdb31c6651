"""The read benchmark's load: one GraphQL request and the hand-written view's answer to the
same read, each repeated by ``concurrency`` clients for a fixed time through a real daphne, in
alternating rounds (GraphQL first, then raw first, ...) so machine noise hits both alike, with
the server CPU each request cost."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx

from bench.common import cpu_seconds
from bench.read_data import SponsorFile, graphql_body, raw_path


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
