"""Sign-in is throttled: after repeated failures a user name, and a client address, are locked
for a while, the right password included, with a typed error saying when to come back; and one
request signs in once.

As reproduced: 50 wrong passwords in a row for one account all answered, and the right one
worked straight after; aliases allowed 15 ``login`` calls in one request.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  me { username } retryAfterSeconds errors { field code message messageAr } } }"""


@pytest.fixture(autouse=True)
def throttle(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def login(username: str, password: str, address: str = "10.1.1.1") -> dict:
    response = Client().post(
        "/graphql/",
        json.dumps({"query": LOGIN, "variables": {"u": username, "p": password}}),
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return response.json()["data"]["login"]


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def test_an_account_is_locked_after_five_failures_even_for_the_right_password(db):
    user = factories.user("victim")
    answers = [codes(login("victim", f"guess-{i}", f"10.0.0.{i}")) for i in range(5)]
    assert answers[:4] == [["INVALID_CREDENTIALS"]] * 4
    assert answers[4] == ["TOO_MANY_ATTEMPTS"]
    locked = login("victim", factories.PASSWORD, "10.9.9.9")  # the owner, from elsewhere
    assert locked["me"] is None and codes(locked) == ["TOO_MANY_ATTEMPTS"]
    assert 0 < locked["retryAfterSeconds"] <= 15 * 60
    assert "15 minutes" in locked["errors"][0]["message"] and locked["errors"][0]["messageAr"]

    # Once the wait is over, the right password works (and clears the record).
    AccessAttempt.objects.update(attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert login("victim", factories.PASSWORD)["me"] == {"username": user.username}


def test_a_client_address_is_locked_after_failures_on_many_accounts(db):
    factories.user("bystander")
    for i in range(5):
        login(f"nobody-{i}", "guess", "10.2.2.2")
    refused = login("bystander", factories.PASSWORD, "10.2.2.2")
    assert codes(refused) == ["TOO_MANY_ATTEMPTS"]
    assert login("bystander", factories.PASSWORD, "10.3.3.3")["me"]  # elsewhere, fine


def test_one_login_per_request(db):
    factories.user("alias")
    query = (
        "mutation { "
        + " ".join(
            f'a{i}: login(username: "alias", password: "guess-{i}") {{ me {{ username }} }}'
            for i in range(15)
        )
        + " }"
    )
    response = Client().post(
        "/graphql/", json.dumps({"query": query}), content_type="application/json"
    )
    answer = response.json()
    assert answer["data"] is None
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["ONE_LOGIN_PER_REQUEST"]
    assert not AccessAttempt.objects.exists()  # nothing was tried


def test_overlong_credentials_are_refused_without_hashing(db):
    assert codes(login("x" * 10_000, "y" * 1_000_000)) == ["INVALID_CREDENTIALS"]
