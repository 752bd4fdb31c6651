"""The service as a user meets it: ``make run``'s daphne on the test database, with the
agency simulator (no latency) and the KNET sandbox served by the same process, its public URLs
on its own port; ``journey`` drives it as a client would (``tests/support/journey.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core import access, households
from tests.factories import PASSWORD
from tests.support.daphne import DaphneServer, start_daphne
from tests.support.journey import Journey
from tests.support.processes import daphne_environment
from tests.support.websocket import websocket_clients


@pytest.fixture
def service(
    request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path
) -> Iterator[DaphneServer]:
    env = daphne_environment()
    env.update(
        REDIS_URL="",  # the embedded default: the in-memory layer, the worker inside daphne
        IQAMA_INPROCESS_WORKER="1",
        AGENCY_SIMULATOR_LATENCY_MS="0,0",
        PUBLIC_BASE_URL="http://127.0.0.1:{port}",
        KNET_URL="http://127.0.0.1:{port}/sandbox/knet/kpg",
        CHECK_SWEEP_SECONDS="1",
    )
    server = start_daphne(env, tmp_path, name="service")
    yield server
    server.stop()
    print(f"--- service daphne log (shown when the test fails) ---\n{server.tail(80)}")


@pytest.fixture
def journey(service: DaphneServer) -> Iterator[Callable[..., Journey]]:
    """``journey(user)``: that user's way through the service: with a token of their own for
    the sponsor they act for, else signed in with their password (a resident who sponsors
    nobody)."""
    journeys: list[Journey] = []
    with websocket_clients() as open_ws:

        def start(user) -> Journey:
            if access.represented_sponsors(user).exists():
                journeys.append(Journey(service, households.token(user, name="journey"), open_ws))
            else:
                journeys.append(Journey(service, None, open_ws).sign_in(user.username, PASSWORD))
            return journeys[-1]

        yield start
        for each in journeys:
            each.close()
