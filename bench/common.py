"""What the benchmarks share: a PostgreSQL database of the run's own, daphne processes for a run
(``tests/support/daphne.py``), CPU and memory read from Linux's ``/proc``, and stopping cleanly
on SIGTERM.

Nothing here needs Django set up: the benchmarks set it up only after choosing their database
(``service_run`` sets the environment it reads).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.db import connections

from bench.fanout_services import delete_redis_keys
from tests.support.daphne import DaphneServer, start_daphne
from tests.support.postgres import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BenchDatabase:
    """A PostgreSQL database of the run's own: created, then dropped (WITH FORCE)."""

    server_url: str
    name: str
    created: bool = False

    @classmethod
    def choose(cls, bench: str) -> BenchDatabase:
        """``iqama_<bench>_<pid>`` on the server of ``DATABASE_URL`` (local by default)."""
        url = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/"
        if not urlsplit(url).scheme.startswith("postgres"):
            raise SystemExit(f"{bench} needs PostgreSQL (DATABASE_URL names the server to use)")
        return cls(url, f"iqama_{bench}_{os.getpid()}")

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


@contextlib.contextmanager
def daphne_processes(
    env: dict[str, str], names: Sequence[str], keep_logs: str | None = None
) -> Iterator[list[DaphneServer]]:
    """Healthy daphne processes, one per name, always stopped at the end; their logs are
    copied into ``keep_logs`` when given."""
    servers: list[DaphneServer] = []
    with tempfile.TemporaryDirectory(prefix="bench-daphne-") as logs:
        try:
            for name in names:
                servers.append(start_daphne(env, Path(logs), name))
            yield servers
        finally:
            for server in servers:
                server.stop()
                if keep_logs:
                    Path(keep_logs).mkdir(parents=True, exist_ok=True)
                    shutil.copy(server.log_path, Path(keep_logs) / f"daphne-{server.name}.log")


def exit_on_sigterm(bench: str) -> None:
    """SIGTERM unwinds through the run's ``finally`` blocks, so everything started is stopped."""

    def terminate(signum: int, frame: Any) -> None:
        print(f"{bench}: signal {signum}, stopping everything", file=sys.stderr)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far; NaN if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def postgres_cpu_seconds(database: str | None = None) -> float:
    """CPU seconds of the PostgreSQL processes on this machine (when it runs here); with
    ``database``, only its own connections' and the server's shared processes' (checkpointer,
    WAL writer…), not those of other databases (another engineer's test run)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if text.split("(", 1)[1].split(")", 1)[0] != "postgres":
                continue
            if database is not None:
                title = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
                connection = "(" in title  # "postgres: 15/main: user db host(port) state"
                if connection and f" {database} " not in title:
                    continue
            total += cpu_seconds(int(stat.parent.name))
    return total


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def jiffies_to_seconds(jiffies: float) -> float:
    return jiffies / os.sysconf("SC_CLK_TCK")


@dataclass
class ServiceRun:
    """A run of the service's own processes: its PostgreSQL database and Redis prefix, the
    production settings (``bench.settings``), the agencies simulated at a latency; ``env`` is
    what the processes it starts inherit, ``logs`` where they write."""

    database: BenchDatabase
    redis_url: str
    prefix: str
    env: dict[str, str]
    logs: Path


@contextlib.contextmanager
def service_run(bench: str, *, latency_ms: int, keep_logs: str | None) -> Iterator[ServiceRun]:
    """Set this process's environment as the service's processes will see it (before Django is
    set up), create the run's database; at the end, however it ends, keep the logs if asked,
    drop the database and delete the run's Redis keys."""
    database = BenchDatabase.choose(bench)
    redis_url = os.environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    prefix = f"iqama-{bench}-{os.getpid()}-{secrets.token_hex(3)}"
    os.environ.update(
        {
            "DATABASE_URL": database.url,
            "REDIS_URL": redis_url,
            "CHANNEL_PREFIX": prefix,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or f"bench-only-{secrets.token_urlsafe(48)}",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "AGENCY_SIMULATOR_LATENCY_MS": str(latency_ms),
        }
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    logs = Path(tempfile.mkdtemp(prefix=f"bench-{bench}-"))
    try:
        database.create()
        print(f"database: {database.describe()} (created; dropped at the end)", flush=True)
        yield ServiceRun(database, redis_url, prefix, env, logs)
    finally:
        if keep_logs:
            shutil.copytree(logs, keep_logs, dirs_exist_ok=True)
        shutil.rmtree(logs, ignore_errors=True)
        if apps.ready:
            connections.close_all()
        try:
            database.drop()
        except Exception as exc:
            print(f"{bench}: could not drop {database.name}: {exc!r}", file=sys.stderr)
        try:
            delete_redis_keys(redis_url, prefix)
        except Exception as exc:
            print(f"{bench}: could not delete Redis keys {prefix}*: {exc!r}", file=sys.stderr)
