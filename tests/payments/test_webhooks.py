"""A capture is owed as a webhook in its own transaction (``payment.captured``), and the
issuing that follows as ``application.issued``, with each person's permit as it now stands."""

from __future__ import annotations

import base64
import json

import pytest

from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import WebhookMessage
from core.webhooks.services import endpoint_register
from payments.gateways.dummy import DummyGateway
from payments.models import Payment
from payments.settle import payment_callback
from payments.start import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dummy(settings):
    settings.PAYMENTS = {**settings.PAYMENTS, "GATEWAY": "payments.gateways.dummy.DummyGateway"}
    DummyGateway.reset()
    yield DummyGateway
    DummyGateway.reset()


def decoded(global_id: str) -> tuple[str, int]:
    type_name, pk = base64.b64decode(global_id).decode().split(":")
    return type_name, int(pk)


def test_a_capture_and_the_issuing_are_owed_to_the_sponsor(
    household, application, django_capture_on_commit_callbacks
):
    h = household
    before = {i.person_id: i.permit.expires_on for i in application.items.select_related("permit")}
    endpoint_register(
        actor=h["user"],
        sponsor_id=h["sponsor"].pk,
        url="http://127.0.0.1:9/hooks",
        event_kinds=[WebhookEventKind.PAYMENT_CAPTURED, WebhookEventKind.APPLICATION_ISSUED],
    )
    started = payment_start(
        actor=h["user"], application_id=application.pk, idempotency_key="hooks-pay-0001"
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(started.payment.track_id))
    payment = Payment.objects.get()

    captured, issued = [json.loads(m.body) for m in WebhookMessage.objects.order_by("id")]
    assert captured["type"] == "payment.captured"
    paid = captured["data"]["payment"]
    assert decoded(paid["id"]) == ("Payment", payment.pk)
    assert paid["amount"] == f"{payment.amount:.3f}" and paid["currency"] == "KWD"
    assert paid["receiptNumber"] == payment.receipt.number
    assert captured["data"]["application"]["state"] == "PAID"

    assert issued["type"] == "application.issued"
    assert issued["data"]["application"]["state"] == "ISSUED"
    people = {decoded(p["person"]["id"])[1]: p for p in issued["data"]["people"]}
    assert set(people) == {h["wife"].pk, h["maid"].pk}
    for item in application.items.select_related("permit"):
        permit = people[item.person_id]["permit"]
        assert decoded(permit["id"]) == ("ResidencyPermit", item.permit_id)
        assert permit["expiresOn"] == item.permit.expires_on.isoformat()
        assert item.permit.expires_on > before[item.person_id]  # as renewed
