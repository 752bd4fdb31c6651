"""The documented production launch, booted on loopback: ``honcho start`` with the Procfile,
two web processes and two application workers on PostgreSQL and Redis, production settings
(``DEBUG`` off) with only the agency simulator and the KNET sandbox turned on by their
``SERVE_*`` flags. A renewal goes through it end to end: GraphQL over HTTP on one web process,
its subscription on the other, the agencies asked over HTTP, KNET's page with the merchant
notification dropped (so only the workers' reconciliation can settle it), and the receipt."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings
from strawberry.relay import from_base64, to_base64

from tests.core.applications.workers.conftest import wait_for
from tests.payments.conftest import Payer
from tests.support.application_events import token_for
from tests.support.applications import give_profile
from tests.support.daphne import free_port
from tests.support.processes import database_url_for_test_db
from tests.support.websocket import WSClient, websocket_clients

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]
ROOT = Path(__file__).resolve().parents[2]
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) { application { id } errors { code } } }"""
SUBMIT = """mutation($id: ID!) {
  submitApplication(applicationId: $id) { application { state } errors { code } } }"""
START = """mutation($id: ID!, $key: String!) {
  startPayment(applicationId: $id, idempotencyKey: $key) {
    redirectUrl payment { trackId } errors { code } } }"""
PAYMENTS = """query($id: ID!) { applicationPayments(applicationId: $id) {
  status receipt { number verificationCode downloadUrl } } }"""
UPDATED = """subscription($id: ID!) { applicationUpdated(id: $id) {
  state cursor event { sequence kind toState } } }"""


def two_free_ports() -> int:
    """A port P with P and P + 1 free (honcho gives web.1 P and web.2 P + 1)."""
    for _ in range(50):
        port = free_port()
        if port < 60000 and all(_free(p) for p in (port + 1, port + 100, port + 101)):
            return port
    raise RuntimeError("no two consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Launch:
    def __init__(self, port: int, process: subprocess.Popen, log: Path, prefix: str) -> None:
        self.port, self.process, self.log_path, self.prefix = port, process, log, prefix

    def wait_subscribed(self, group: str) -> None:
        """Until a websocket has joined ``group`` in Redis (the subscription is live)."""
        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            wait_for(
                lambda: client.zcard(f"{self.prefix}:group:{group}") > 0,
                timeout=20,
                what=f"a subscriber in {group}",
            )
        finally:
            client.close()

    def url(self, web: int) -> str:
        return f"http://127.0.0.1:{self.port + web - 1}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def graphql(self, web: int, token: str, query: str, variables: dict) -> dict:
        response = httpx.post(
            f"{self.url(web)}/graphql/",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        return payload


@pytest.fixture
def launched(transactional_db, tmp_path) -> Iterator[Launch]:
    port = two_free_ports()
    prefix = f"launch-{secrets.token_hex(4)}"
    public = f"http://127.0.0.1:{port}"  # what the TLS proxy would be: web.1 here
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KNET_", "AGENCY_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "iqama.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PUBLIC_BASE_URL": public,
        "HTTPS_ONLY": "0",  # no TLS on loopback; behind the proxy it stays on
        "DATABASE_URL": database_url_for_test_db(),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_PREFIX": prefix,
        "SERVE_KNET_SANDBOX": "1",
        "SERVE_AGENCY_SIMULATOR": "1",
        **{
            f"AGENCY_{name.upper()}_URL": f"{public}/sim/agencies/{name}"
            for name in ("health", "fines", "courts", "manpower")
        },
        "AGENCY_SIMULATOR_LATENCY_MS": "50",
        "PAYMENT_RECONCILE_AFTER_SECONDS": "1",
        "PAYMENT_RECONCILE_SECONDS": "1",
        "DB_POOL_MAX_SIZE": "6",
        "WORKER_CONCURRENCY": "4",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("ALLOWED_HOSTS", "WEBSOCKET_ALLOWED_ORIGINS", "IQAMA_INPROCESS_WORKER"):
        env.pop(name, None)
    log = tmp_path / "honcho.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-c", "web=2,worker=2", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    launch = Launch(port, process, log, prefix)
    try:
        for web in (1, 2):
            wait_for(
                lambda web=web: _ready(launch.url(web)),
                timeout=40,
                what=f"web.{web} to be ready\n{launch.log()[-3000:]}",
                every=0.2,
            )
        yield launch
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        with redis.Redis.from_url(settings.REDIS_URL) as client:  # the run's own keys only
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def states(client: WSClient, until: str, timeout: float = 30) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while not got or got[-1]["event"]["toState"] != until:
        payload = client.next_payload("app", max(0.1, deadline - time.monotonic()))
        assert not payload.get("errors"), payload
        got.append(payload["data"]["applicationUpdated"])
    return got


def test_a_renewal_through_the_documented_production_launch(launched, household):
    h = household
    give_profile(h["wife"], CLEAN)
    token = token_for(h["user"])
    created = launched.graphql(
        1,
        token,
        CREATE,
        {
            "sponsor": to_base64("Sponsor", h["sponsor"].pk),
            "people": [{"personId": to_base64("Person", h["wife"].pk), "months": 12}],
        },
    )
    gid = created["application"]["id"]
    with websocket_clients() as open_client:
        watcher = open_client(_Server(launched.url(2)), origin=launched.url(1))
        watcher.init({"authorization": f"Bearer {token}"})
        watcher.subscribe("app", UPDATED, {"id": gid})
        launched.wait_subscribed(f"application.{from_base64(gid)[1]}")
        submitted = launched.graphql(1, token, SUBMIT, {"id": gid})
        assert submitted["errors"] == [] and submitted["application"]["state"] == "CHECKING"
        checked = states(watcher, until="AWAITING_PAYMENT")
        assert [u["event"]["sequence"] for u in checked] == list(
            range(checked[0]["event"]["sequence"], checked[-1]["event"]["sequence"] + 1)
        )

        started = launched.graphql(1, token, START, {"id": gid, "key": "launch-0001"})
        assert started["errors"] == [], started
        assert started["redirectUrl"].startswith(launched.url(1) + "/sandbox/knet/")
        payer = Payer()
        try:
            page = payer.press(started["redirectUrl"], "approve", notify=False)
        finally:
            payer.close()
        assert "notified" in page.text
        issued = states(watcher, until="ISSUED", timeout=30)  # the workers' reconciliation
        assert [u["event"]["toState"] for u in issued if u["event"]["kind"] == "TRANSITION"] == [
            "PAID",
            "ISSUED",
        ]

    (payment,) = launched.graphql(1, token, PAYMENTS, {"id": gid})
    assert payment["status"] == "CAPTURED"
    receipt = payment["receipt"]
    link = httpx.URL(receipt["downloadUrl"])
    assert str(link).startswith(launched.url(1)), link  # PUBLIC_BASE_URL's
    pdf = httpx.get(httpx.URL(launched.url(2)).join(link.raw_path.decode()), timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    verify = httpx.get(f"{launched.url(1)}/receipts/verify/{receipt['verificationCode']}")
    assert verify.status_code == 200 and receipt["number"] in verify.text
    log = launched.log()
    assert "payments.reconcile" in log and '"request_id"' in log, log[-3000:]
    assert "Traceback" not in log, log[-5000:]


class _Server:
    """What ``websocket_clients`` needs of a server: its websocket URL."""

    def __init__(self, url: str) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/graphql/"
