"""``idempotencyKey`` on every write an integrator retries: the same key gives the first answer
again (the same application, the same errors), never a second write; the same key for another
request is refused; keys are the caller's own."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client
from strawberry.relay import to_base64

from core import households
from core.applications.models import Application, ApplicationEvent
from core.models import IdempotentWrite
from tests.conftest import GraphQLClient

CREATE = """mutation($s: ID!, $p: [RenewalPersonInput!]!, $k: String) {
  createRenewal(sponsorId: $s, people: $p, idempotencyKey: $k) {
    application { id state items { months } } errors { code field message } } }"""
SUBMIT = """mutation($id: ID!, $k: String) {
  submitApplication(applicationId: $id, idempotencyKey: $k) {
    application { id state } errors { code } } }"""


def variables(h, key, months=12):
    return {
        "s": to_base64("Sponsor", h["sponsor"].pk),
        "p": [{"personId": to_base64("Person", h["child"].pk), "months": months}],
        "k": key,
    }


@pytest.mark.django_db
def test_the_same_key_gives_the_same_application(gql, household):
    gql.login(household["user"])
    first = gql(CREATE, variables(household, "hr-batch-0001"))["data"]["createRenewal"]
    again = gql(CREATE, variables(household, "hr-batch-0001"))["data"]["createRenewal"]
    assert first["errors"] == [] and again == first
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1  # the one DRAFT, not two
    # Without a key (or with another) it is a new request, as before.
    other = gql(CREATE, variables(household, "hr-batch-0002"))["data"]["createRenewal"]
    assert other["errors"][0]["code"] == "ALREADY_IN_OPEN_APPLICATION"


@pytest.mark.django_db
def test_a_replay_answers_the_first_answer_not_the_state_now(gql, household):
    gql.login(household["user"])
    created = gql(CREATE, variables(household, "create-0001"))["data"]["createRenewal"]
    app = created["application"]["id"]
    submitted = gql(SUBMIT, {"id": app, "k": "submit-0001"})["data"]["submitApplication"]
    assert submitted["errors"] == []
    # A retry of the submit is not WRONG_STATE: it is the submit that happened.
    retried = gql(SUBMIT, {"id": app, "k": "submit-0001"})["data"]["submitApplication"]
    assert retried["errors"] == [] and retried["application"]["id"] == app
    # A first answer that was an error is replayed as that error.
    refused = gql(SUBMIT, {"id": app, "k": "submit-0002"})["data"]["submitApplication"]
    assert refused["errors"] == [{"code": "WRONG_STATE"}]
    assert gql(SUBMIT, {"id": app, "k": "submit-0002"})["data"]["submitApplication"] == refused


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_refused(gql, household):
    gql.login(household["user"])
    gql(CREATE, variables(household, "same-key-01"))
    body = gql(CREATE, variables(household, "same-key-01", months=6))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert error["extensions"]["messageAr"]
    assert body["data"] is None
    bad = gql(CREATE, variables(household, "no"))
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_IDEMPOTENCY_KEY"


@pytest.mark.django_db
def test_keys_are_each_callers_own(household, other_family):
    mine, theirs = GraphQLClient(Client()), GraphQLClient(Client())
    mine.login(household["user"])
    theirs.login(other_family["user"])
    mine(CREATE, variables(household, "shared-key-1"))
    # Another sponsor's request with the same key is theirs, and learns nothing of mine.
    answer = theirs(CREATE, variables(household, "shared-key-1"))["data"]["createRenewal"]
    assert answer["application"] is None and answer["errors"][0]["code"] == "NOT_FOUND"
    assert IdempotentWrite.objects.filter(key="shared-key-1").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_write_once(household):
    answers: list[dict] = []

    def send() -> None:
        client = GraphQLClient(Client())
        client.login(household["user"])
        answers.append(client(CREATE, variables(household, "at-once-001"))["data"])
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Application.objects.count() == 1
    assert answers[0] == answers[1] and answers[0]["createRenewal"]["errors"] == []


@pytest.mark.django_db
def test_two_hr_systems_of_one_creator_are_two_callers(household):
    """Keys are per token: two integrations made by the same person do not share answers."""
    first, second = GraphQLClient(Client()), GraphQLClient(Client())
    first.token = households.token(household["user"], name="payroll")
    second.token = households.token(household["user"], name="hr portal")
    made = first(CREATE, variables(household, "nightly-0001"))["data"]["createRenewal"]
    assert made["errors"] == []
    again = second(CREATE, variables(household, "nightly-0001"))["data"]["createRenewal"]
    assert again["errors"][0]["code"] == "ALREADY_IN_OPEN_APPLICATION"  # a new request
    assert first(CREATE, variables(household, "nightly-0001"))["data"]["createRenewal"] == made
