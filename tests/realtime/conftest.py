"""Fixtures for end-to-end realtime tests: real daphne processes, a real websocket client
(``tests/support/daphne.py``, ``tests/support/websocket.py``).

``daphne_server()`` starts a daphne process of the test's own, pointed at the *test* database
and the same Redis channel layer (and ``CHANNEL_PREFIX``) as the test process; it may be called
several times in one test (several processes sharing Redis); every process is stopped at
teardown, and its log is printed when the test failed. ``daphne`` is one such process shared by
the session (a start costs seconds), with the part of its log written during a failed test
printed. Both bring ``transactional_db``: test data is committed, so daphne sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests import factories
from tests.support.daphne import DaphneServer, start_daphne
from tests.support.processes import NEEDS_REDIS, daphne_environment
from tests.support.websocket import ChannelGroups, WSClient, websocket_clients


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"realtime_report_{report.when}", report)
    return report


def _failed(item: pytest.Item) -> bool:
    return any(
        getattr(getattr(item, f"realtime_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture(scope="session")
def daphne_env(django_db_setup: None) -> dict[str, str]:
    """The environment of daphne processes: this process's, on the test database."""
    if not settings.REDIS_URL:
        pytest.skip(NEEDS_REDIS)
    return daphne_environment()


@pytest.fixture
def daphne_server(
    request: pytest.FixtureRequest,
    transactional_db: None,
    daphne_env: dict[str, str],
    tmp_path: Path,
) -> Iterator[Callable[[], DaphneServer]]:
    """A factory of daphne processes of this test's own; each call starts one more, all sharing
    the test database and Redis. They are stopped at the end of the test."""
    servers: list[DaphneServer] = []

    def start() -> DaphneServer:
        server = start_daphne(daphne_env, tmp_path)
        servers.append(server)
        return server

    yield start

    for server in servers:
        server.stop()
    if _failed(request.node):
        for server in servers:
            print(f"\n--- daphne on port {server.port} (exit {server.process.returncode}) ---")
            print(server.log())


@pytest.fixture(scope="session")
def shared_daphne(
    daphne_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DaphneServer]:
    """One daphne process for the whole session (starting one costs seconds)."""
    server = start_daphne(daphne_env, tmp_path_factory.mktemp("daphne"))
    yield server
    server.stop()


@pytest.fixture
def daphne(
    request: pytest.FixtureRequest, transactional_db: None, shared_daphne: DaphneServer
) -> Iterator[DaphneServer]:
    """The session's daphne process, for a test on ``transactional_db``. When the test fails,
    what daphne logged during it is printed. Use ``daphne_server()`` for processes of one's own.
    """
    if shared_daphne.process.poll() is not None:
        pytest.fail(
            f"the shared daphne exited with code {shared_daphne.process.returncode}\n"
            f"--- daphne log ---\n{shared_daphne.log()}"
        )
    offset = shared_daphne.log_size()
    yield shared_daphne
    if _failed(request.node):
        print(f"\n--- daphne on port {shared_daphne.port}, during this test ---")
        print(shared_daphne.log(offset))


@pytest.fixture
def ws_client() -> Iterator[Callable[..., WSClient]]:
    """``ws_client(server, origin=…, headers=…, connect=True)``: a websocket to a daphne server,
    from the allowed origin unless told otherwise; every client is closed at teardown."""
    with websocket_clients() as open_client:
        yield open_client


@pytest.fixture
def channel_groups() -> Iterator[ChannelGroups]:
    if not settings.REDIS_URL:
        pytest.skip(NEEDS_REDIS)
    groups = ChannelGroups()
    yield groups
    groups.close()


@pytest.fixture
def household(transactional_db: None) -> dict:
    """``tests.factories.household``, committed (``transactional_db``) so that daphne sees it."""
    return factories.household()
