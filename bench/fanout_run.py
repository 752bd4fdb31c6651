"""One measured fan-out run: the subscribers connected across the daphne processes, every
application moved through its life by the publisher, the deliveries drained and matched, and
the CPU each party used while the events flowed.

Imported once Django is set up (the publisher uses the services).
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import Counter
from typing import Any

from bench.common import cpu_seconds, machine_cpu, postgres_cpu_seconds, rss_mb
from bench.fanout_client import Clients
from bench.fanout_publisher import Publisher, latest_event_id, published_events
from bench.fanout_results import analyse, dump, percentile
from bench.fanout_seed import Watched
from bench.fanout_services import redis_cpu_seconds, wait_for_groups
from tests.support.daphne import DaphneServer


class Run:
    """The run over the daphne processes given, of the applications seeded."""

    def __init__(
        self,
        args: argparse.Namespace,
        watched: list[Watched],
        daphnes: list[DaphneServer],
        redis_url: str,
        prefix: str,
    ) -> None:
        self.args = args
        self.watched = watched
        self.daphnes = daphnes
        self.redis_url = redis_url
        self.prefix = prefix
        self.clients: list[Clients] = []
        self.killed: DaphneServer | None = None

    def _kill_one(self) -> None:
        """SIGKILL the second daphne: its subscribers reconnect to the first and resume."""
        self.killed = self.daphnes[1]
        self.killed.process.kill()
        self.killed.process.wait(timeout=10)
        print(f"  killed daphne {self.killed.name} (SIGKILL); its clients move over", flush=True)

    def measure(self, fd_limit: int) -> dict[str, Any]:
        """The figures of the run; the client processes are stopped whatever happens."""
        try:
            watchers = self._connect(fd_limit)
            return self._publish(watchers)
        finally:
            for client in self.clients:
                client.stop()

    def _connect(self, fd_limit: int) -> Counter:
        """Every subscriber live; how many watch each application."""
        args, watched = self.args, self.watched
        # Subscriber i watches application i % apps, on daphne (i // apps) % 2: with four per
        # application, two on each process.
        per_proc: list[list[dict[str, Any]]] = [[] for _ in range(args.client_procs)]
        for i in range(args.subscribers):
            w = watched[i % args.apps]
            own, other = self.daphnes[(i // args.apps) % 2], self.daphnes[(i // args.apps + 1) % 2]
            per_proc[i % args.client_procs].append(
                {
                    "index": i,
                    "url": own.ws_url,
                    "urls": [own.ws_url, other.ws_url],
                    "token": w.token,
                    "app": w.gid,
                }
            )
        watchers: Counter = Counter(watched[i % args.apps].gid for i in range(args.subscribers))
        self.clients = [Clients(subs, f"client{k}") for k, subs in enumerate(per_proc)]
        connect_started = time.perf_counter()
        for c in self.clients:
            c.start()
        for c in self.clients:
            if not c.ready.wait(120) or c.connected != c.expected_sockets:
                raise RuntimeError(
                    f"{c.name}: {c.connected} of {c.expected_sockets} websockets up:\n"
                    + "\n".join(c.lines[-20:])
                )
        ids = [w.pk for w in watched]
        wait_for_groups(self.redis_url, self.prefix, ids, args.subscribers, timeout=60)
        print(
            f"{args.subscribers} subscribers live on 2 daphne processes"
            f" ({args.apps} applications, {args.subscribers // args.apps} per application),"
            f" {args.client_procs} client process(es), in"
            f" {time.perf_counter() - connect_started:.1f}s; RLIMIT_NOFILE {fd_limit}",
            flush=True,
        )
        return watchers

    def _cpu_snapshot(self) -> dict[str, float]:
        return {
            **{f"daphne_{d.name}": cpu_seconds(d.pid) for d in self.daphnes},
            **{c.name: c.cpu() for c in self.clients},
            "publisher": sum(os.times()[:2]),
            "redis": redis_cpu_seconds(self.redis_url),
            "postgres": postgres_cpu_seconds(),
        }

    def _drain(self, expected: int) -> float:
        """Wait until every delivery arrived, or nothing did for a while; seconds waited."""
        drain_started = time.perf_counter()
        last_count, last_change = -1, time.perf_counter()
        while time.perf_counter() - drain_started < self.args.drain:
            count = sum(c.received for c in self.clients)
            if count >= expected:
                break
            if count != last_count:
                last_count, last_change = count, time.perf_counter()
            elif time.perf_counter() - last_change > 3:
                break
            time.sleep(0.1)
        return time.perf_counter() - drain_started

    def _publish(self, watchers: Counter) -> dict[str, Any]:
        args, watched, daphnes = self.args, self.watched, self.daphnes
        last_event_id = latest_event_id()
        cpu_before = self._cpu_snapshot()
        rss_before = {d.name: rss_mb(d.pid) for d in daphnes}
        machine_before = machine_cpu()
        publisher = Publisher(watched, args.rate)
        print(f"publishing ({'as fast as it goes' if not args.rate else f'{args.rate:g}/s'}):")
        publish_started = time.perf_counter()
        phases = publisher.run(midway=self._kill_one if args.kill else None)
        publish_seconds = time.perf_counter() - publish_started

        published = published_events(watched, last_event_id)
        events_written = sum(len(events) for events in published.values())
        expected = sum(len(published[gid]) * n for gid, n in watchers.items())
        drain_seconds = self._drain(expected)
        flow_seconds = time.perf_counter() - publish_started
        cpu_after = self._cpu_snapshot()
        rss_after = {d.name: rss_mb(d.pid) for d in daphnes}
        machine_after = machine_cpu()
        for d in daphnes:
            if d is not self.killed and d.process.poll() is not None:
                raise RuntimeError(f"daphne {d.name} died:\n{d.tail()}")

        results = [c.finish() for c in self.clients]
        if args.dump:
            dump(args.dump, results, args.apps)
        summary = analyse(
            results=results,
            published=published,
            watched_by={i: watched[i % args.apps].gid for i in range(args.subscribers)},
            expected=expected,
        )
        busy = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
        # A killed daphne's CPU and memory can no longer be read: left out.
        cpu = {
            k: round(cpu_after[k] - cpu_before[k], 2)
            for k in cpu_before
            if not math.isnan(cpu_after[k] - cpu_before[k])
        }
        machine_seconds = (machine_after[0] - machine_before[0]) / os.sysconf("SC_CLK_TCK")
        cpu["everything else"] = round(max(0.0, machine_seconds - sum(cpu.values())), 2)
        summary.update(
            {
                "events": events_written,
                "publish_seconds": round(publish_seconds, 2),
                "events_per_second": round(events_written / publish_seconds, 1),
                "drain_seconds": round(drain_seconds, 2),
                "group_send_p50_ms": round(percentile(publisher.sends, 50) * 1000, 2),
                "group_send_p99_ms": round(percentile(publisher.sends, 99) * 1000, 2),
                "cpu_seconds": cpu,
                "cpu_share_of_one_core": {k: round(v / flow_seconds, 2) for k, v in cpu.items()},
                "machine_busy": round(busy, 2),
                "daphne_rss_mb": {
                    d.name: [rss_before[d.name], rss_after[d.name]]
                    for d in daphnes
                    if d is not self.killed
                },
                "cores": os.cpu_count() or 1,
                "phases_seconds": {k: round(v, 2) for k, v in phases.items()},
            }
        )
        return summary
