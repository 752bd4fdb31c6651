"""Payments tests: a household whose application awaits payment, distinctive KNET credentials,
and the local KNET sandbox served by a live server, driven over HTTP as a payer's browser
would (httpx)."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest
from strawberry.relay import to_base64

from core.applications.states import State
from payments.gateways.knet.client import reset_circuit
from tests.support.applications import give_profile, run_all, submit

# Distinctive values, so a log capture can be searched for them.
TRANPORTAL_ID = "470093"
PASSWORD = "pw-Qz81!vK"
RESOURCE_KEY = "K8Q2M7R4T1V6W3Y9"
URLCONF = "tests.payments.urls"
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731

START = """mutation($id: ID!, $key: String!) {
  startPayment(applicationId: $id, idempotencyKey: $key) {
  redirectUrl payment { id status amount trackId } quote { total }
  errors { field code message messageEn messageAr } } }"""
QUOTE = """query($id: ID!) { quote(applicationId: $id) {
  quote { id total currency expired issuedAt expiresAt
    lines { person { nameEn } kind descriptionEn descriptionAr months annualRate rateAmount
      ratePer amount }
    people { person { nameEn } subtotal lines { kind amount } } }
  errors { field code message messageEn messageAr } } }"""


@pytest.fixture(autouse=True)
def knet_settings(settings):
    # Test users need no slow password hash (factories make two per household).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KNET = {
        **settings.KNET,
        "TRANPORTAL_ID": TRANPORTAL_ID,
        "PASSWORD": PASSWORD,
        "RESOURCE_KEY": RESOURCE_KEY,
        "URL": "http://127.0.0.1:9/sandbox/knet/kpg",  # nothing listens: no sandbox unless asked
        "TIMEOUT": 5,
        "CIRCUIT_FAIL_MAX": 3,
        "CIRCUIT_RESET_SECONDS": 30,
    }
    settings.KNET_SANDBOX = {"SESSION_MINUTES": 15, "OUTAGE": False}
    settings.PAYMENTS = {**settings.PAYMENTS, "PUBLIC_URL": "http://testserver"}
    reset_circuit()
    yield settings
    reset_circuit()


@pytest.fixture
def sandbox(live_server, settings):
    """The live server with our URLs and the KNET sandbox; KNET's URL and ours point at it."""
    settings.ROOT_URLCONF = URLCONF
    settings.KNET = {**settings.KNET, "URL": f"{live_server.url}/sandbox/knet/kpg"}
    settings.PAYMENTS = {**settings.PAYMENTS, "PUBLIC_URL": live_server.url}
    return live_server


def awaiting_payment(h, *people, profile=CLEAN):
    """Give the people a simulated profile (clean by default; None keeps theirs), submit them
    for 12 months and run the checks: the application awaits payment."""
    for person in people:
        if profile is not None:
            give_profile(person, profile)
    app = submit(h, *people)
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT, app.state
    return app


@pytest.fixture
def application(household):
    return awaiting_payment(household, household["wife"], household["maid"])


def app_id(app) -> str:
    return to_base64("RenewalApplication", app.pk)


class Payer:
    """A payer's browser: follows the redirect URL to the sandbox page and presses a button."""

    def __init__(self) -> None:
        self.http = httpx.Client(follow_redirects=True, timeout=30)

    def open(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def press(self, url: str, action: str, *, notify: bool = True) -> httpx.Response:
        page = self.open(url)
        assert page.status_code == 200, page.text
        form = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert form, page.text
        target = httpx.URL(str(page.url)).join(form.group(1))
        data = {"action": action}
        if not notify:
            data["notify"] = "0"
        return self.http.post(target, data=data)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def payer():
    browser = Payer()
    yield browser
    browser.close()


def kd(value: str) -> Decimal:
    return Decimal(value)
