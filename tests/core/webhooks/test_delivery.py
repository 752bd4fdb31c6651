"""Delivering the outbox to a real receiver over HTTP, which verifies each request with the
``standardwebhooks`` library: signed, retried with backoff up to a cap, redeliverable, secrets
rotated with a grace period, and nothing sent where it may not go."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from core.webhooks import delivery as delivering
from core.webhooks.delivery import delivery_attempt, webhooks_deliver
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import DeliveryStatus, WebhookDelivery
from core.webhooks.outbox import webhook_publish
from core.webhooks.services import delivery_redeliver, endpoint_update, secret_rotate
from tests import factories
from tests.core.webhooks.conftest import register
from tests.support.webhooks import HANG, webhook_receiver

pytestmark = pytest.mark.django_db


def publish(h, data: dict | None = None) -> WebhookDelivery:
    message = webhook_publish(
        sponsor_id=h["sponsor"].pk,
        kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
        data=lambda: data or {"toState": "CHECKING"},
    )
    return message.deliveries.get()


def reloaded(delivery: WebhookDelivery) -> WebhookDelivery:
    delivery.refresh_from_db()
    return delivery


def test_a_delivery_arrives_signed_and_the_receiver_verifies_it(household, receiver, endpoint):
    delivery = publish(household, {"toState": "CHECKING"})
    assert delivery_attempt(delivery.pk) == DeliveryStatus.DELIVERED

    (got,) = receiver.wait_for(1)
    assert got.headers["webhook-id"] == delivery.message.message_id
    assert got.headers["content-type"] == "application/json"
    assert got.body == delivery.message.body.encode()
    assert got.payload["type"] == "application.state_changed"
    assert got.payload["data"] == {"toState": "CHECKING"}
    delivery = reloaded(delivery)
    assert (delivery.attempts, delivery.last_response_code, delivery.last_error) == (1, 204, "")
    assert delivery.delivered_at is not None
    assert delivery_attempt(delivery.pk) == "skipped"  # delivered once


def test_a_tampered_body_and_a_replay_outside_the_window_are_rejected(
    household, receiver, endpoint
):
    delivery = publish(household)
    delivery_attempt(delivery.pk)
    (got,) = receiver.wait_for(1)

    tampered = got.body.replace(b"CHECKING", b"ISSUED")
    assert receiver.replay(got.headers, tampered).status_code == 400
    assert "No matching signature" in receiver.received[-1].error

    # The same message signed ten minutes ago (a request captured then, replayed now).
    delivery = reloaded(delivery)
    code, error = delivering._post(delivery, timezone.now() - dt.timedelta(minutes=10))
    assert code == 400 and "too old" in error
    assert "too old" in receiver.received[-1].error
    # ... and one from the future likewise.
    code, error = delivering._post(delivery, timezone.now() + dt.timedelta(minutes=10))
    assert code == 400 and "too new" in error
    assert len(receiver.verified()) == 1


def test_failures_are_retried_with_backoff_then_failed(settings, household, receiver, endpoint):
    settings.WEBHOOK_RETRY_DELAYS = [10, 60]
    receiver.answers = [500, 503, 500]
    delivery = publish(household)

    assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
    delivery = reloaded(delivery)
    assert delivery.last_response_code == 500
    assert delivery.last_error == "HTTP 500: receiver says: scripted failure"
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 9 <= wait <= 11
    assert delivery_attempt(delivery.pk) == "skipped"  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
    delivery = reloaded(delivery)
    assert 59 <= (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds() <= 61

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(delivery.pk) == DeliveryStatus.FAILED  # three attempts: the cap
    delivery = reloaded(delivery)
    assert (delivery.attempts, delivery.round_attempts) == (3, 3)
    assert len(receiver.received) == 3 and receiver.verified() == []


def test_timeouts_refusals_and_redirects_are_failures(settings, household, receiver, endpoint):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.answers = [HANG, 307]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    delivery = publish(household)

    delivery_attempt(delivery.pk)
    assert reloaded(delivery).last_error.startswith("ReadTimeout")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery_attempt(delivery.pk)
    delivery = reloaded(delivery)
    assert (delivery.last_response_code, delivery.status) == (307, DeliveryStatus.PENDING)

    with webhook_receiver() as gone:
        closed_url = gone.url
    endpoint_update(actor=household["user"], endpoint_id=endpoint.pk, url=closed_url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery_attempt(delivery.pk)
    assert reloaded(delivery).last_error.startswith("ConnectError")


def test_an_address_no_longer_allowed_is_not_sent_to(settings, household, receiver, endpoint):
    delivery = publish(household)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False  # as in production: loopback is refused
    assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
    assert "not reachable from the internet" in reloaded(delivery).last_error
    assert receiver.received == []


def test_a_rotated_secret_signs_beside_the_new_one_for_the_grace_period(
    household, receiver, endpoint
):
    (old,) = receiver.secrets
    _, new = secret_rotate(actor=household["user"], endpoint_id=endpoint.pk, grace_hours=2)
    receiver.secrets = [new]
    delivery_attempt(publish(household).pk)
    receiver.secrets = [old]  # a receiver not switched yet
    delivery_attempt(publish(household).pk)
    signed_both = receiver.wait_for(2)
    assert all(len(r.headers["webhook-signature"].split(" ")) == 2 for r in signed_both)

    endpoint.secrets.filter(expires_at__isnull=False).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )  # the grace is over
    delivery = publish(household)
    delivery_attempt(delivery.pk)
    assert "No matching signature" in receiver.received[-1].error
    receiver.secrets = [new]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(delivery.pk) == DeliveryStatus.DELIVERED
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1


def test_a_redelivery_sends_the_same_message_again(household, receiver, endpoint):
    delivery = publish(household)
    delivery_attempt(delivery.pk)
    redelivered = delivery_redeliver(actor=household["user"], delivery_id=delivery.pk)
    assert (redelivered.status, redelivered.round_attempts) == (DeliveryStatus.PENDING, 0)
    assert delivery_attempt(delivery.pk) == DeliveryStatus.DELIVERED
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert reloaded(delivery).attempts == 2


def test_a_disabled_endpoint_keeps_what_it_is_owed_and_is_owed_nothing_new(
    household, receiver, endpoint
):
    owed = publish(household)
    endpoint_update(actor=household["user"], endpoint_id=endpoint.pk, enabled=False)
    assert delivery_attempt(owed.pk) == "skipped"
    assert (
        webhook_publish(
            sponsor_id=household["sponsor"].pk,
            kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
            data=dict,
        )
        is None
    )
    endpoint_update(actor=household["user"], endpoint_id=endpoint.pk, enabled=True)
    assert delivery_attempt(owed.pk) == DeliveryStatus.DELIVERED


def test_an_attempt_a_dead_worker_held_is_taken_over_once_its_lease_ran_out(
    household, receiver, endpoint
):
    delivery = publish(household)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=1), attempts=1
    )
    assert delivery_attempt(delivery.pk) == "skipped"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert delivery_attempt(delivery.pk) == DeliveryStatus.DELIVERED
    assert reloaded(delivery).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_the_workers_job_delivers_what_is_due_and_leaves_a_failing_endpoint_for_later(
    settings, household
):
    settings.WEBHOOK_RETRY_DELAYS = [60]
    other, [staff] = factories.company("Other Employer")
    with webhook_receiver() as good, webhook_receiver() as bad:
        register(household, good)
        bad.answers = [500] * 10
        register({"user": staff, "sponsor": other}, bad)
        for _ in range(3):
            publish(household)
            publish({"sponsor": other})
        done = webhooks_deliver()
        assert done.outcomes == {"delivered": 3, "pending": 1}, done.outcomes
        assert len(good.wait_for(3)) == 3
        assert len(bad.received) == 1  # its other deliveries wait for its next run
        for received in good.verified():
            assert json.loads(received.body)["type"] == "application.state_changed"


def test_a_secret_sealed_under_a_forgotten_key_is_reported_not_sent(
    settings, household, receiver, endpoint
):
    delivery = publish(household)
    settings.SECRET_KEY = "another-key-" + "k" * 50  # rotated, the old one not kept as fallback
    assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
    assert "cannot be opened" in reloaded(delivery).last_error
    assert receiver.received == []
