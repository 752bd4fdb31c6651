"""Redis killed and restarted in the middle of a renewal, with real parts: daphne and an
application worker on a private Redis, the renewal driven over HTTP, a subscriber on a real
websocket. Every event reaches it once, in order (the channel layer notices Redis is back, the
subscription joins its groups again and replays what it missed); a subscription made right
after the restart works; and the web process stays live and ready (degraded) meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from strawberry.relay import from_base64, to_base64

from core.applications.models import Application, ApplicationEvent
from core.applications.states import State
from core.models import ApiToken
from tests.core.applications.workers.conftest import wait_for
from tests.support.application_events import token_for
from tests.support.applications import give_profile
from tests.support.daphne import DaphneServer, start_daphne
from tests.support.processes import daphne_environment, database_url_for_test_db
from tests.support.redis_server import REDIS_SERVER, PrivateRedis

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server to start a private one"),
]
ROOT = Path(__file__).resolve().parents[2]
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
FIELDS = "cursor event { sequence kind toState checkStatus }"
UPDATED = f"""subscription($id: ID!) {{ applicationUpdated(id: $id) {{ {FIELDS} }} }}"""
MINE = f"subscription {{ myApplications {{ {FIELDS} }} }}"
CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) { application { id } errors { code } } }"""
SUBMIT = """mutation($id: ID!) {
  submitApplication(applicationId: $id) { application { state } errors { code } } }"""
CANCEL = """mutation($id: ID!) {
  cancelApplication(applicationId: $id) { application { state } errors { code } } }"""


@pytest.fixture
def outage_setup(transactional_db, tmp_path) -> Iterator[tuple[PrivateRedis, DaphneServer]]:
    """A private Redis, a daphne and an application worker on it (agencies answer in 1.5 s)."""
    private = PrivateRedis(tmp_path).start()
    env = {**daphne_environment(), "REDIS_URL": private.url, "CHANNEL_PREFIX": "restart"}
    server = start_daphne(env, tmp_path)
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "application_worker", "--interval", "0.1"],
        cwd=ROOT,
        env={
            **env,
            "DATABASE_URL": database_url_for_test_db(),
            "IQAMA_INPROCESS_WORKER": "0",
            "AGENCY_SIMULATOR_LATENCY_MS": "1500,1500",
        },
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        yield private, server
    finally:
        worker.kill()
        worker.wait(5)
        worker_log.close()
        server.stop()
        private.kill()


def graphql(server: DaphneServer, token: str, query: str, variables: dict) -> dict:
    response = httpx.post(
        f"{server.url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert response.status_code == 200, response.text
    (payload,) = response.json()["data"].values()
    assert payload["errors"] == [], payload
    return payload


def joined(private: PrivateRedis, group: str, count: int = 1, timeout: float = 10) -> None:
    with private.client() as client:
        wait_for(
            lambda: client.zcard(f"restart:group:{group}") >= count,
            timeout=timeout,
            what=f"{count} subscriber(s) in {group}",
        )


def sequences_of(client, ops: dict[str, list[int]], want: int, timeout: float = 30) -> None:
    """Read updates into ``ops[op]`` until each operation has ``want`` of them."""
    deadline = time.monotonic() + timeout
    while any(len(seen) < want for seen in ops.values()):
        message = client.receive(max(0.1, deadline - time.monotonic()))
        assert message["type"] == "next", message
        payload = message["payload"]
        assert not payload.get("errors"), payload
        (update,) = payload["data"].values()
        ops[message["id"]].append(update["event"]["sequence"])


def test_no_event_is_lost_or_doubled_when_redis_restarts(outage_setup, ws_client, household):
    private, server = outage_setup
    h = household
    give_profile(h["wife"], CLEAN)
    give_profile(h["maid"], CLEAN)
    token = token_for(h["user"])
    created = graphql(
        server,
        token,
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": [
                {"personId": to_base64("Person", p.pk), "months": 12}
                for p in (h["wife"], h["maid"])
            ],
        },
    )
    gid = created["application"]["id"]
    pk = int(from_base64(gid)[1])
    watcher = ws_client(server)
    watcher.init({"authorization": f"Bearer {token}"})
    watcher.subscribe("one", UPDATED, {"id": gid})
    watcher.subscribe("mine", MINE)
    joined(private, f"application.{pk}")
    joined(private, f"sponsor.{h['sponsor'].pk}.applications")

    graphql(server, token, SUBMIT, {"id": gid})  # the worker claims the checks at once
    wait_for(
        lambda: ApplicationEvent.objects.filter(application_id=pk, kind="check").exists(),
        timeout=10,
        what="the worker to claim a check",
    )
    private.kill()  # the agencies answer while Redis is down
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
    ready = httpx.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["degraded"] is True, ready.text
    time.sleep(2)
    private.start()

    fresh = ws_client(server)  # right after the restart: joins, no "Connection closed" error
    fresh.init({"authorization": f"Bearer {token}"})
    fresh.subscribe("one", UPDATED, {"id": gid})
    wait_for(
        lambda: Application.objects.get(pk=pk).state == State.AWAITING_PAYMENT,
        timeout=30,
        what="the application to await payment",
    )
    joined(private, f"application.{pk}", count=2)
    graphql(server, token, CANCEL, {"id": gid})  # live, after the outage

    written = list(
        ApplicationEvent.objects.filter(application_id=pk)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    after_draft = written[1:]  # the draft's event came before anyone subscribed
    got: dict[str, list[int]] = {"one": [], "mine": []}
    sequences_of(watcher, got, len(after_draft))
    assert got["one"] == after_draft, got  # none lost, none twice, in order
    assert len(got["mine"]) == len(after_draft) and got["mine"] == sorted(got["mine"])
    watcher.assert_silent(0.5)
    cancelled = fresh.next_payload("one", 10)["data"]["applicationUpdated"]
    assert cancelled["event"]["toState"] == "CANCELLED", cancelled
    assert "Redis answers again" in server.log(), server.tail()


def test_after_a_restart_a_revocation_still_closes_the_websocket(
    outage_setup, ws_client, household
):
    """The websocket's token group is joined again when Redis is back (a restarted Redis forgot
    it), so revoking the token afterwards still closes the websocket."""
    private, server = outage_setup
    owner = token_for(household["user"])
    revoked = token_for(household["user"])
    victim = ApiToken.objects.get(prefix=revoked.split("_")[1])
    watcher = ws_client(server)
    watcher.init({"authorization": f"Bearer {revoked}"})
    watcher.subscribe("mine", MINE)
    joined(private, f"token.{victim.pk}")

    private.kill()
    time.sleep(1)
    private.start()
    joined(private, f"token.{victim.pk}", timeout=20)

    revoke = (
        """mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { id } errors { code } } }"""
    )
    graphql(server, owner, revoke, {"id": to_base64("ApiToken", victim.pk)})
    assert watcher.wait_closed(timeout=10) == 4403
