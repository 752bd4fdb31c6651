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
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.daphne_process import DaphneProcess, cpu_seconds  # noqa: E402
from tests.support.postgres import create_database, drop_database  # noqa: E402

P99_TARGET_MS = 250.0
ORIGIN = "http://bench.iqama.test"
SUBSCRIPTION = """
subscription($id: ID!) {
  applicationUpdated(id: $id) {
    applicationId state amountDue sentAt
    event { at kind fromState toState agency checkStatus amount }
  }
}"""
AMOUNT_DUE = "25.000"


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


# =========================================================================== the client process
#
# ``fanout.py --client SPEC OUT``: open the websockets of SPEC, say READY, record every update
# until STOP arrives on stdin, then write what was received to OUT. No Django here.


async def _client_main(spec: dict[str, Any], out_path: str) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    rows: list[tuple] = []  # (subscriber, app gid, at, kind, to_state, state, sent_at, received)
    problems: Counter = Counter()
    samples: list[str] = []
    sockets: dict[int, Any] = {}
    closed_early: list[int] = []

    def problem(kind: str, detail: Any) -> None:
        problems[kind] += 1
        if len(samples) < 10:
            samples.append(f"{kind}: {str(detail)[:300]}")

    async def reader(index: int, ws: Any) -> None:
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
        except ConnectionClosed as exc:
            if not stopping.is_set():
                closed_early.append(index)
                problem("closed by the server", exc)

    async def open_one(index: int, sub: dict[str, Any], gate: asyncio.Semaphore) -> None:
        async with gate:
            for attempt in range(3):
                ws = None
                try:
                    ws = await connect(
                        sub["url"],
                        subprotocols=["graphql-transport-ws"],
                        origin=spec["origin"],
                        ping_interval=None,
                        compression=None,
                        open_timeout=20,
                        close_timeout=2,
                        max_queue=None,
                    )
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
                    await ws.send(
                        json.dumps(
                            {
                                "id": "1",
                                "type": "subscribe",
                                "payload": {"query": SUBSCRIPTION, "variables": {"id": sub["app"]}},
                            }
                        )
                    )
                    sockets[index] = ws
                    tasks.append(asyncio.create_task(reader(index, ws)))
                    return
                except Exception as exc:  # retried, then counted
                    if ws is not None:
                        await ws.close()
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


# =========================================================================== database and Redis


@dataclass
class FanoutDatabase:
    """A PostgreSQL database of the run's own: created, then dropped (WITH FORCE)."""

    server_url: str
    name: str = field(default_factory=lambda: f"iqama_fanout_{os.getpid()}")
    created: bool = False

    @classmethod
    def choose(cls) -> FanoutDatabase:
        url = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/"
        if not urlsplit(url).scheme.startswith("postgres"):
            raise SystemExit("fanout needs PostgreSQL (DATABASE_URL names the server to use)")
        return cls(url)

    @property
    def url(self) -> str:
        return urlsplit(self.server_url)._replace(path=f"/{self.name}").geturl()

    def create(self) -> None:
        self.created = create_database(self.url, self.name)

    def drop(self) -> None:
        if self.created:
            drop_database(self.url, self.name)
            self.created = False

    def describe(self) -> str:
        where = urlsplit(self.server_url)
        return f"postgresql {unquote(self.name)} on {where.hostname}:{where.port or 5432}"


def delete_redis_keys(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(keys), 500):
            client.delete(*keys[i : i + 500])
        return len(keys)
    finally:
        client.close()


def redis_cpu_seconds(redis_url: str) -> float:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        info = client.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    finally:
        client.close()


# =========================================================================== seeding


@dataclass
class Watched:
    pk: int
    gid: str
    token: str
    sponsor_id: int


def seed(apps: int) -> list[Watched]:
    """``apps`` individual sponsors, each with a child whose permit is in the renewal window and
    a draft application for it, made through ``application_create``; and an API token each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from strawberry import relay

    from core.applications.services import PersonChoice, application_create
    from core.articles import Article, Relation, SponsorKind
    from core.civil_id import make_civil_id
    from core.models import Dependent, Person, ResidencyPermit, Sponsor
    from core.services.accounts import api_token_create

    User = get_user_model()
    rng = random.Random(2024)
    today = timezone.localdate()
    tag = secrets.token_hex(3)
    taken: set[str] = set()

    def person(label: str, i: int, born: dt.date, user: Any = None) -> Person:
        civil_id = make_civil_id(born, rng.randrange(10_000))
        while civil_id in taken:
            civil_id = make_civil_id(born, rng.randrange(10_000))
        taken.add(civil_id)
        return Person(
            civil_id=civil_id,
            name_en=f"{label} {i}",
            name_ar=f"شخص {i}",
            nationality=("IND", "EGY", "PHL", "PAK")[i % 4],
            date_of_birth=born,
            sex="M",
            passport_number=f"F{rng.randrange(10**7):07d}",
            passport_expiry=today + dt.timedelta(days=1500),
            user=user,
        )

    def adult() -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(10_000))

    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"fanout-{tag}-{i}", password=make_password(None)) for i in range(apps)
        )
        heads = Person.objects.bulk_create(
            person("Head", i, adult(), user=users[i]) for i in range(apps)
        )
        children = Person.objects.bulk_create(
            person("Child", i, dt.date(2016, 1 + i % 12, 1 + i % 28)) for i in range(apps)
        )
        employer = Sponsor.objects.create(
            kind=SponsorKind.COMPANY,
            name_en=f"Fanout Employer {tag}",
            name_ar="شركة",
            commercial_registration=f"CR-F-{tag}",
            manpower_file_number=f"MPA-F-{tag}",
        )
        sponsors = Sponsor.objects.bulk_create(
            Sponsor(kind=SponsorKind.INDIVIDUAL, person=head, monthly_salary="1500.000")
            for head in heads
        )
        Dependent.objects.bulk_create(
            Dependent(sponsor=s, person=c, relation=Relation.CHILD)
            for s, c in zip(sponsors, children, strict=True)
        )

        def permit(holder: Person, sponsor: Sponsor, article: int, days: int) -> ResidencyPermit:
            expires = today + dt.timedelta(days=days)
            return ResidencyPermit(
                holder=holder,
                sponsor=sponsor,
                article=article,
                issued_on=expires - dt.timedelta(days=365),
                expires_on=expires,
            )

        ResidencyPermit.objects.bulk_create(
            [permit(h, employer, Article.PRIVATE_SECTOR, 1200) for h in heads]
            + [
                permit(c, s, Article.FAMILY_JOIN, 45)
                for s, c in zip(sponsors, children, strict=True)
            ]
        )

    watched = []
    for user, sponsor, child in zip(users, sponsors, children, strict=True):
        app = application_create(
            kind="renewal", actor=user, sponsor_id=sponsor.pk, people=[PersonChoice(child.pk, 12)]
        )
        _, raw = api_token_create(user=user, name="fanout bench")
        watched.append(
            Watched(
                pk=app.pk,
                gid=relay.to_base64("RenewalApplication", app.pk),
                token=raw,
                sponsor_id=sponsor.pk,
            )
        )
    return watched


# =========================================================================== processes


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL processes on this machine (when it runs here)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if text.split("(", 1)[1].split(")", 1)[0] == "postgres":
                total += cpu_seconds(int(stat.parent.name))
    return total


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class Clients:
    """One client process (``--client``) holding some of the websockets."""

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
            [sys.executable, __file__, "--client", str(self.spec), str(self.out)],
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


# =========================================================================== publishing


class Publisher:
    """Moves the applications through their life with the services, one commit per change,
    at most ``rate`` events a second; times each ``group_send`` of ``realtime.broadcast``."""

    def __init__(self, watched: list[Watched], rate: float) -> None:
        self.watched = watched
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.sends: list[float] = []  # seconds per group_send
        self.events = 0
        self._next = time.perf_counter()

    def _pace(self, events: int) -> None:
        self.events += events
        if not self.interval:
            return
        self._next += self.interval * events
        delay = self._next - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    @contextlib.contextmanager
    def timing_group_sends(self) -> Any:
        from realtime import broadcast

        original = broadcast.send_to_group

        def timed(group: str, message: dict[str, Any]) -> None:
            started = time.perf_counter()
            try:
                original(group, message)
            finally:
                self.sends.append(time.perf_counter() - started)

        broadcast.send_to_group = timed
        try:
            yield
        finally:
            broadcast.send_to_group = original

    def run(self) -> dict[str, float]:
        """Every phase over every application (in a shuffled order); seconds per phase."""
        from django.db import transaction

        from core.applications.checks import announce_check
        from core.applications.models import AgencyCheck, Application, CheckStatus
        from core.applications.services import (
            application_cancel,
            application_submit,
            application_transition,
        )
        from core.applications.states import State

        order = list(self.watched)
        random.Random(7).shuffle(order)
        actors = self._actors()
        phases: dict[str, float] = {}

        def phase(name: str, step: Any, events: int) -> None:
            started = time.perf_counter()
            for w in order:
                step(w)
                self._pace(events)
            phases[name] = time.perf_counter() - started
            print(f"  {name}: {len(order)} applications in {phases[name]:.1f}s", flush=True)

        def submit(w: Watched) -> None:
            application_submit(actor=actors[w.sponsor_id], application_id=w.pk)

        checks = defaultdict(list)
        check_rounds = 0

        def check_result(round_index: int) -> Any:
            def step(w: Watched) -> None:
                with transaction.atomic():
                    check = (
                        AgencyCheck.objects.select_for_update(of=("self",))
                        .select_related("item__application")
                        .get(pk=checks[w.pk][round_index])
                    )
                    check.status = CheckStatus.CLEAR
                    check.attempts += 1
                    check.detail_en = "No record found."
                    check.save(update_fields=["status", "attempts", "detail_en", "updated_at"])
                    announce_check(check)

            return step

        def awaiting_payment(w: Watched) -> None:
            with transaction.atomic():
                application = Application.objects.select_for_update().get(pk=w.pk)
                application.amount_due = AMOUNT_DUE
                application.save(update_fields=["amount_due"])
                application_transition(application, State.AWAITING_PAYMENT, actor=None)

        def cancel(w: Watched) -> None:
            application_cancel(actor=actors[w.sponsor_id], application_id=w.pk)

        with self.timing_group_sends():
            phase("submit (SUBMITTED + CHECKING)", submit, 2)
            for app_id, check_id in AgencyCheck.objects.filter(
                item__application_id__in=[w.pk for w in order]
            ).values_list("item__application_id", "pk"):
                checks[app_id].append(check_id)
            check_rounds = min(len(v) for v in checks.values())
            for r in range(check_rounds):
                phase(f"check result {r + 1}", check_result(r), 1)
            phase("awaiting payment", awaiting_payment, 1)
            phase("cancel", cancel, 1)
        return phases

    def _actors(self) -> dict[int, Any]:
        from core.models import Sponsor

        sponsors = Sponsor.objects.select_related("person__user").filter(
            pk__in=[w.sponsor_id for w in self.watched]
        )
        return {s.pk: s.person.user for s in sponsors}


def published_events(watched: list[Watched], after_id: int) -> dict[str, list[tuple]]:
    """The events the services wrote during the run, per application global ID, as the
    subscription shows them: (at, kind, toState)."""
    from core.applications.models import ApplicationEvent

    by_pk = {w.pk: w.gid for w in watched}
    out: dict[str, list[tuple]] = defaultdict(list)
    rows = ApplicationEvent.objects.filter(pk__gt=after_id, application_id__in=by_pk).values_list(
        "application_id", "at", "kind", "to_state"
    )
    for app_id, at, kind, to_state in rows:
        out[by_pk[app_id]].append((at, kind, to_state.upper() if to_state else None))
    return out


# =========================================================================== main


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _terminate(signum: int, frame: Any) -> None:
    print(f"fanout: signal {signum}, stopping everything", file=sys.stderr)
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
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
    args = parser.parse_args(argv)
    if args.apps > args.subscribers:
        parser.error("--apps may not exceed --subscribers")
    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    fd_limit = raise_fd_limit(args.subscribers + 200)

    database = FanoutDatabase.choose()
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

    daphnes: list[DaphneProcess] = []
    clients: list[Clients] = []
    summary: dict[str, Any] = {}
    try:
        database.create()
        print(f"database: {database.describe()} (created; dropped at the end)", flush=True)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from core.applications.models import ApplicationEvent

        call_command("migrate", verbosity=0, interactive=False)
        watched = seed(args.apps)
        print(
            f"seeded {len(watched)} sponsors with a draft application each"
            f" ({time.perf_counter() - started:.0f}s)",
            flush=True,
        )
        connections.close_all()

        def cpu_snapshot() -> dict[str, float]:
            return {
                **{f"daphne_{d.name}": d.cpu() for d in daphnes},
                **{c.name: c.cpu() for c in clients},
                "publisher": sum(os.times()[:2]),
                "redis": redis_cpu_seconds(redis_url),
                "postgres": _postgres_cpu(),
            }

        daphnes = [DaphneProcess(server_env, "A"), DaphneProcess(server_env, "B")]
        for d in daphnes:
            d.start()
        for d in daphnes:
            d.wait_healthy()

        # Subscriber i watches application i % apps, on daphne (i // apps) % 2: with four per
        # application, two on each process.
        per_proc: list[list[dict[str, Any]]] = [[] for _ in range(args.client_procs)]
        for i in range(args.subscribers):
            w = watched[i % args.apps]
            per_proc[i % args.client_procs].append(
                {
                    "index": i,
                    "url": daphnes[(i // args.apps) % 2].ws_url,
                    "token": w.token,
                    "app": w.gid,
                }
            )
        watchers: Counter = Counter(watched[i % args.apps].gid for i in range(args.subscribers))
        clients = [Clients(subs, f"client{k}") for k, subs in enumerate(per_proc)]
        connect_started = time.perf_counter()
        for c in clients:
            c.start()
        for c in clients:
            if not c.ready.wait(120) or c.connected != c.expected_sockets:
                raise RuntimeError(
                    f"{c.name}: {c.connected} of {c.expected_sockets} websockets up:\n"
                    + "\n".join(c.lines[-20:])
                )
        wait_for_groups(redis_url, prefix, watched, watchers, timeout=60)
        print(
            f"{args.subscribers} subscribers live on 2 daphne processes"
            f" ({args.apps} applications, {args.subscribers // args.apps} per application),"
            f" {args.client_procs} client process(es), in"
            f" {time.perf_counter() - connect_started:.1f}s; RLIMIT_NOFILE {fd_limit}",
            flush=True,
        )

        last_event_id = ApplicationEvent.objects.order_by("-pk").values_list("pk", flat=True)
        last_event_id = last_event_id.first() or 0
        cpu_before = cpu_snapshot()
        rss_before = {d.name: _rss_mb(d.proc.pid) for d in daphnes}
        machine_before = _machine_cpu()
        publisher = Publisher(watched, args.rate)
        print(f"publishing ({'as fast as it goes' if not args.rate else f'{args.rate:g}/s'}):")
        publish_started = time.perf_counter()
        phases = publisher.run()
        publish_seconds = time.perf_counter() - publish_started

        published = published_events(watched, last_event_id)
        events_written = sum(len(events) for events in published.values())
        expected = sum(len(published[gid]) * n for gid, n in watchers.items())
        drain_started = time.perf_counter()
        last_count, last_change = -1, time.perf_counter()
        while time.perf_counter() - drain_started < args.drain:
            count = sum(c.received for c in clients)
            if count >= expected:
                break
            if count != last_count:
                last_count, last_change = count, time.perf_counter()
            elif time.perf_counter() - last_change > 3:
                break
            time.sleep(0.1)
        drain_seconds = time.perf_counter() - drain_started
        flow_seconds = time.perf_counter() - publish_started
        cpu_after = cpu_snapshot()
        rss_after = {d.name: _rss_mb(d.proc.pid) for d in daphnes}
        machine_after = _machine_cpu()
        for d in daphnes:
            if d.proc.poll() is not None:
                raise RuntimeError(f"daphne {d.name} died:\n{d.tail()}")

        results = [c.finish() for c in clients]
        if args.dump:
            dump(args.dump, results, args.apps)
        summary = analyse(
            results=results,
            published=published,
            watched_by={i: watched[i % args.apps].gid for i in range(args.subscribers)},
            expected=expected,
        )
        cores = os.cpu_count() or 1
        busy = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
        cpu = {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_before}
        machine_seconds = (machine_after[0] - machine_before[0]) / os.sysconf("SC_CLK_TCK")
        cpu["everything else"] = round(max(0.0, machine_seconds - sum(cpu.values())), 2)
        summary.update(
            {
                "events": events_written,
                "publish_seconds": round(publish_seconds, 2),
                "events_per_second": round(events_written / publish_seconds, 1),
                "drain_seconds": round(drain_seconds, 2),
                "group_send_p50_ms": round(_percentile(publisher.sends, 50) * 1000, 2),
                "group_send_p99_ms": round(_percentile(publisher.sends, 99) * 1000, 2),
                "cpu_seconds": cpu,
                "cpu_share_of_one_core": {k: round(v / flow_seconds, 2) for k, v in cpu.items()},
                "machine_busy": round(busy, 2),
                "daphne_rss_mb": {d.name: [rss_before[d.name], rss_after[d.name]] for d in daphnes},
                "cores": cores,
                "phases_seconds": {k: round(v, 2) for k, v in phases.items()},
            }
        )
    finally:
        for c in clients:
            c.stop()
        for d in daphnes:
            d.stop(keep_in=args.keep_logs)
        if "django.db" in sys.modules:
            from django.db import connections

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


def dump(path: str, results: list[dict[str, Any]], apps: int) -> None:
    import csv

    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["subscriber", "daphne", "app", "at", "kind", "to", "sent", "received"])
        for result in results:
            for index, gid, at, kind, to_state, _state, sent, received in result["rows"]:
                daphne = "AB"[(index // apps) % 2]
                writer.writerow([index, daphne, gid, at, kind, to_state, sent, received])


def wait_for_groups(
    redis_url: str, prefix: str, watched: list[Watched], watchers: Counter, timeout: float
) -> None:
    """Block until every subscription has joined its application's group in Redis (there is no
    "subscribed" acknowledgement in graphql-transport-ws; an earlier event would be lost)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            pipe = client.pipeline()
            for w in watched:
                pipe.zcard(f"{prefix}:group:application.{w.pk}")
            members = sum(pipe.execute())
            if members >= sum(watchers.values()):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{members} of {sum(watchers.values())} subscriptions live")
            time.sleep(0.2)
    finally:
        client.close()


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
        "expected_deliveries": expected,
        "received": received_once,
        "lost": expected - received_once,
        "duplicates": duplicates,
        "strays": strays,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p90_ms": round(_percentile(latencies, 90), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 99), 1) if latencies else None,
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
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        sys.exit(client_main(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1:]))
