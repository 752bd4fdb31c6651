"""Paying, whatever the gateway: the facade (start, settle, refunds, issuing) against the
in-process dummy gateway, so these tests are about the rules, not about KNET's protocol
(tests/payments/test_knet_*.py are)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.applications.states import State
from payments.errors import PaymentErrorCode
from payments.gateways.dummy import DummyGateway
from payments.models import Payment, PaymentEvent, PaymentStatus
from payments.refunds import payment_refund, refund_due
from payments.settle import payment_callback
from payments.start import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dummy(settings):
    settings.PAYMENTS = {**settings.PAYMENTS, "GATEWAY": "payments.gateways.dummy.DummyGateway"}
    DummyGateway.reset()
    yield DummyGateway
    DummyGateway.reset()


def start(h, app, key: str = "pay-key-0001"):
    return payment_start(actor=h["user"], application_id=app.pk, idempotency_key=key)


def test_approved_captures_then_the_application_is_paid_and_issued(
    household, application, django_capture_on_commit_callbacks
):
    started = start(household, application)
    assert started.errors == [] and started.redirect_url.startswith("https://dummy.")
    payment = started.payment
    assert payment.gateway == "dummy" and payment.amount == Decimal("70.000")
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(payment.track_id))
    payment.refresh_from_db()
    application.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and payment.receipt.number
    assert application.state == State.ISSUED
    kinds = list(PaymentEvent.objects.filter(payment=payment).values_list("kind", flat=True))
    assert kinds[:2] == ["started", "callback"] and "captured" in kinds


def test_declined_fails_the_payment_and_the_payer_may_try_again(household, application):
    payment = start(household, application).payment
    payment_callback(DummyGateway.decline(payment.track_id))
    payment.refresh_from_db()
    application.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert application.state == State.AWAITING_PAYMENT
    again = start(household, application, key="pay-key-0002")
    assert again.errors == [] and again.payment.pk != payment.pk


def test_a_second_capture_is_refunded(household, application, django_capture_on_commit_callbacks):
    first = start(household, application).payment
    Payment.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2000))
    second = start(household, application, key="pay-key-0002").payment
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(first.track_id))
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(second.track_id))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PaymentStatus.CAPTURED
    assert second.status == PaymentStatus.REFUNDED
    assert "already paid" in second.refund_reason


def test_a_refund_the_gateway_cannot_make_stays_due_for_reconciliation(household, application):
    payment = start(household, application).payment
    payment_callback(DummyGateway.approve(payment.track_id))
    payment.refresh_from_db()
    refund_due(payment, "a test refund", amount=payment.amount, source="test")
    DummyGateway.down = True
    assert payment_refund(payment.pk).status == PaymentStatus.REFUND_PENDING
    assert PaymentEvent.objects.filter(payment=payment, kind="refund_failed").exists()
    DummyGateway.down = False
    assert payment_refund(payment.pk).status == PaymentStatus.REFUNDED


def test_a_gateway_that_is_down_is_not_offered_to_payers(household, application, dummy):
    dummy.down = True
    started = start(household, application)
    assert [e.code for e in started.errors] == [PaymentErrorCode.GATEWAY_UNAVAILABLE]
    assert not Payment.objects.exists()


def test_a_forged_callback_changes_nothing(household, application):
    payment = start(household, application).payment
    forged = {**DummyGateway.approve(payment.track_id), "amount": "0.001"}
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.INITIATED)
    payment_callback(forged)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.INITIATED
    assert PaymentEvent.objects.filter(payment=payment, kind="callback_rejected").exists()
