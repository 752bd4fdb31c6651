"""Fixtures for tests with real worker processes, and with the embedded default's daphne.

``application_worker(**env)`` starts ``manage.py application_worker`` as a subprocess on the *test*
database (``transactional_db``: what the test creates is committed, so the worker sees it), with
short timings (``CHECK_LEASE_SECONDS=2``, ``CHECK_SWEEP_SECONDS=1``) and the in-memory channel
layer (no Redis needed); ``env`` adds to or overrides that environment, e.g.
``AGENCY_SIMULATOR_LATENCY_MS="3000,3000"``. Every process is killed at teardown, and its log is
printed when the test failed. ``embedded_daphne`` is ``make run``'s daphne on the test
database (the in-memory layer, the worker thread inside it), ``ws_client`` a websocket client
(``tests/support/websocket.py``). ``wait_for`` bounds every wait of these tests.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connection

from tests.support.daphne import DaphneServer, start_daphne
from tests.support.processes import ALLOWED_ORIGIN, database_url_for_test_db
from tests.support.websocket import WSClient, websocket_clients

BASE_DIR = Path(__file__).resolve().parents[4]
NEEDS_POSTGRES = (
    "needs PostgreSQL: several processes writing one SQLite file is not what these tests prove "
    "(run through `python -m tests.runner` with PostgreSQL up)"
)
# Each agency answer inside the embedded daphne; its worker runs the checks one after another.
EMBEDDED_LATENCY_MS = 250
T = TypeVar("T")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"workers_report_{report.when}", report)
    return report


def failed(item: pytest.Item) -> bool:
    """Whether the test's setup or call failed (its processes' logs are then printed)."""
    return any(
        getattr(getattr(item, f"workers_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def wait_for(condition: Callable[[], T], *, timeout: float, what: str, every: float = 0.05) -> T:
    """Poll ``condition`` until it returns something truthy (returned), or fail after
    ``timeout`` seconds saying ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to finish or clean up anything."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM (finish the current check, then exit), SIGKILL after ``timeout``."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


def worker_environment() -> dict[str, str]:
    """This process's environment, pointed at the test database, with short check timings."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "iqama.settings"),
        DATABASE_URL=database_url_for_test_db(),
        REDIS_URL="",  # these tests read the database; they need no channel layer across processes
        IQAMA_INPROCESS_WORKER="0",
        CHECK_LEASE_SECONDS="2",
        CHECK_SWEEP_SECONDS="1",
        AGENCY_SIMULATOR_LATENCY_MS="0,0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("AGENCY_SIMULATOR_OUTAGE", None)
    env.pop("CHECK_RETRY_DELAYS", None)
    return env


@pytest.fixture
def application_worker(
    request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """A factory of ``manage.py application_worker`` processes on the test database (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    base_env = worker_environment()
    workers: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        name = f"worker-{len(workers) + 1}"
        log_path = tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "application_worker", "--interval", "0.1"],
                cwd=BASE_DIR,
                env={**base_env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        worker = WorkerProcess(name, process, log_path)
        workers.append(worker)
        return worker

    yield start

    for worker in workers:
        worker.kill()
    if failed(request.node):
        for worker in workers:
            print(f"\n--- {worker.name} (pid {worker.pid}, exit {worker.process.returncode}) ---")
            print(worker.log())


@pytest.fixture
def embedded_daphne(
    request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path
) -> Iterator[DaphneServer]:
    """``make run``'s daphne, on the test database: in-memory layer, in-process worker."""
    env = worker_environment()  # the test database; REDIS_URL empty: the in-memory layer
    env.update(
        IQAMA_INPROCESS_WORKER="1",
        AGENCY_SIMULATOR_LATENCY_MS=f"{EMBEDDED_LATENCY_MS},{EMBEDDED_LATENCY_MS}",
        WEBSOCKET_ALLOWED_ORIGINS=ALLOWED_ORIGIN,
        ALLOWED_HOSTS=",".join(dict.fromkeys([*settings.ALLOWED_HOSTS, "127.0.0.1"])),
    )
    server = start_daphne(env, tmp_path)
    yield server
    server.stop()
    if failed(request.node):
        print(f"\n--- daphne on port {server.port} (exit {server.process.returncode}) ---")
        print(server.log())


@pytest.fixture
def ws_client() -> Iterator[Callable[..., WSClient]]:
    """``ws_client(server, …)``: a websocket to a daphne server; all closed at teardown."""
    with websocket_clients() as open_client:
        yield open_client
