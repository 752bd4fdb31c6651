"""The fan-out benchmark's websocket clients, in processes of their own so that neither their
CPU nor the publisher's delays the other's timestamps.

In a client process (``python -m bench.fanout_client SPEC OUT``): open the websockets of SPEC,
each with one ``applicationUpdated(id)`` subscription authenticated by its sponsor's API token
in ``connection_init``, say READY, record every update (with ``time.time()`` as the frame is
read) until STOP arrives on stdin, then write what was received to OUT. No Django here.

A websocket the server closes (its daphne was killed) reconnects to the other daphne and
subscribes again with ``after`` set to the last cursor it received, as a real client would:
what it missed is replayed, then it is live again.
In the benchmark's process, ``Clients`` starts one and reads its progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bench.common import ROOT, cpu_seconds

ORIGIN = "http://bench.iqama.test"
SUBSCRIPTION = """
subscription($id: ID!, $after: String) {
  applicationUpdated(id: $id, after: $after) {
    applicationId state amountDue sentAt cursor
    event { at kind fromState toState agency checkStatus amount }
  }
}"""
# A dropped websocket tries the daphne processes in turn for this long before giving up.
RECONNECT_SECONDS = 30.0


def raise_fd_limit(wanted: int) -> int:
    """Raise the soft limit of open files to the hard one (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < wanted:
        print(f"fanout: warning: RLIMIT_NOFILE is {soft}, below the {wanted} needed", flush=True)
    return soft


async def _client_main(spec: dict[str, Any], out_path: str) -> None:
    rows: list[tuple] = []  # (subscriber, app gid, at, kind, to_state, state, sent_at, received)
    problems: Counter = Counter()
    samples: list[str] = []
    sockets: dict[int, Any] = {}
    closed_early: list[int] = []

    def problem(kind: str, detail: Any) -> None:
        problems[kind] += 1
        if len(samples) < 10:
            samples.append(f"{kind}: {str(detail)[:300]}")

    cursors: dict[int, str | None] = {}
    reconnects: list[float] = []  # seconds from the drop to the new subscription

    async def subscribe(url: str, sub: dict[str, Any], after: str | None) -> Any:
        ws = await connect(
            url,
            subprotocols=["graphql-transport-ws"],
            origin=spec["origin"],
            ping_interval=None,
            compression=None,
            open_timeout=20,
            close_timeout=2,
            max_queue=None,
        )
        try:
            await ws.send(
                json.dumps(
                    {
                        "type": "connection_init",
                        "payload": {"authorization": f"Bearer {sub['token']}"},
                    }
                )
            )
            ack = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            variables = {"id": sub["app"], "after": after}
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIPTION, "variables": variables},
                    }
                )
            )
        except BaseException:
            await ws.close()
            raise
        return ws

    async def reconnect(index: int, sub: dict[str, Any]) -> Any | None:
        """A new subscription on another daphne, resuming after the last cursor."""
        dropped = time.monotonic()
        urls = sub["urls"]
        attempt = 1
        while time.monotonic() - dropped < RECONNECT_SECONDS and not stopping.is_set():
            try:
                ws = await subscribe(urls[attempt % len(urls)], sub, cursors.get(index))
            except Exception:
                attempt += 1
                await asyncio.sleep(0.2)
                continue
            reconnects.append(time.monotonic() - dropped)
            return ws
        problem("could not reconnect", index)
        return None

    async def reader(index: int, ws: Any, sub: dict[str, Any]) -> None:
        while ws is not None:
            try:
                async for raw in ws:
                    received = time.time()
                    message = json.loads(raw)
                    kind = message.get("type")
                    if kind == "next":
                        payload = message["payload"]
                        data = payload.get("data")
                        if payload.get("errors") or not data:
                            problem("error payload", payload)
                            continue
                        update = data["applicationUpdated"]
                        cursors[index] = update["cursor"]
                        event = update["event"]
                        rows.append(
                            (
                                index,
                                update["applicationId"],
                                event["at"],
                                event["kind"],
                                event["toState"],
                                update["state"],
                                update["sentAt"],
                                received,
                            )
                        )
                    elif kind == "ping":
                        await ws.send('{"type": "pong"}')
                    elif kind != "pong":
                        problem(f"unexpected {kind}", message)
                return
            except ConnectionClosed:
                if stopping.is_set():
                    return
                closed_early.append(index)
            ws = await reconnect(index, sub)
            if ws is not None:
                sockets[index] = ws

    async def open_one(index: int, sub: dict[str, Any], gate: asyncio.Semaphore) -> None:
        async with gate:
            for attempt in range(3):
                try:
                    ws = await subscribe(sub["url"], sub, None)
                    sockets[index] = ws
                    tasks.append(asyncio.create_task(reader(index, ws, sub)))
                    return
                except Exception as exc:  # retried, then counted
                    if attempt == 2:
                        problem("could not connect", repr(exc))
                    await asyncio.sleep(0.5)

    stopping = asyncio.Event()
    tasks: list[asyncio.Task] = []
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    gate = asyncio.Semaphore(spec.get("connect_concurrency", 50))
    await asyncio.gather(*(open_one(sub["index"], sub, gate) for sub in spec["subscribers"]))
    print(
        f"READY {len(sockets)} {time.perf_counter() - started:.2f}",
        flush=True,
    )

    async def progress() -> None:
        last = -1
        while not stopping.is_set():
            if len(rows) != last:
                last = len(rows)
                print(f"RECEIVED {last}", flush=True)
            await asyncio.sleep(0.2)

    progress_task = asyncio.create_task(progress())
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or line.strip() == "STOP":
            break
    stopping.set()
    cpu = os.times()
    progress_task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets.values()), return_exceptions=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    with open(out_path, "w") as out:
        json.dump(
            {
                "rows": rows,
                "connected": len(sockets),
                "closed_early": len(closed_early),
                "reconnects": reconnects,
                "problems": dict(problems),
                "samples": samples,
                "cpu_seconds": cpu.user + cpu.system,
            },
            out,
        )


def client_main(spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    raise_fd_limit(len(spec["subscribers"]) + 100)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(1))
    asyncio.run(_client_main(spec, out_path))
    return 0


class Clients:
    """One client process, holding some of the websockets."""

    def __init__(self, subscribers: list[dict[str, Any]], name: str) -> None:
        self.name = name
        self.dir = Path(tempfile.mkdtemp(prefix=f"fanout-{name}-"))
        self.spec = self.dir / "spec.json"
        self.out = self.dir / "out.json"
        self.spec.write_text(
            json.dumps({"origin": ORIGIN, "subscribers": subscribers, "connect_concurrency": 50})
        )
        self.expected_sockets = len(subscribers)
        self.proc: subprocess.Popen | None = None
        self.ready = threading.Event()
        self.connected = 0
        self.received = 0
        self.lines: list[str] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout_client", str(self.spec), str(self.out)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("RECEIVED "):
                self.received = int(line.split()[1])
            elif line.startswith("READY "):
                self.connected = int(line.split()[1])
                self.ready.set()
            else:
                self.lines.append(line.rstrip())
        self.ready.set()

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid) if self.proc else float("nan")

    def finish(self, timeout: float = 60) -> dict[str, Any]:
        self.proc.stdin.write("STOP\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=timeout)
        if self.proc.returncode != 0 or not self.out.exists():
            raise RuntimeError(
                f"client {self.name} exited {self.proc.returncode}:\n" + "\n".join(self.lines[-30:])
            )
        return json.loads(self.out.read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for path in (self.spec, self.out):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.dir.rmdir()


if __name__ == "__main__":
    sys.exit(client_main(sys.argv[1], sys.argv[2]))
