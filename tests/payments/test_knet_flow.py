"""Paying through KNET end to end, over real HTTP: GraphQL startPayment, the payer's browser on
the sandbox's hosted page, the sandbox posting the result to our response URL, our inquiry over
tranPipe, refunds. The sandbox is served by a live server; the tests only speak HTTP to it."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest
from django.utils import timezone

from core.applications.kinds import reference
from core.applications.kinds.renewal import add_months
from core.applications.machine import application_transition
from core.applications.models import ApplicationEvent
from core.applications.states import State
from core.events import application_changed
from payments.gateways.knet import crypto, protocol
from payments.gateways.knet_sandbox.models import KnetSandboxTransaction
from payments.gateways.knet_sandbox.views import result_pairs
from payments.models import Payment, PaymentEvent, PaymentStatus, Receipt
from payments.reconcile import payments_reconcile
from tests import factories
from tests.payments.conftest import (
    PASSWORD,
    RESOURCE_KEY,
    START,
    TRANPORTAL_ID,
    app_id,
    awaiting_payment,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHECK = """mutation($id: ID!) { checkPayment(paymentId: $id) {
  payment { status } errors { code message messageEn messageAr } } }"""
REJECT = """mutation($id: ID!) { rejectPaidRenewal(applicationId: $id, reason: "no file") {
  application { state } errors { code } } }"""


def start(gql, app, key="pay-key-0001") -> dict:
    result = gql(START, {"id": app_id(app), "key": key})["data"]["startPayment"]
    assert result["errors"] == [], result["errors"]
    return result


def kinds(payment: Payment) -> list[str]:
    return list(payment.events.order_by("at", "id").values_list("kind", flat=True))


def post_callback(sandbox, **posted) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/payments/knet/response", data=posted, timeout=30)


def forged(track_id: str, *, result="CAPTURED", amt="70.000", key=RESOURCE_KEY, **extra) -> dict:
    pairs = [
        ("paymentid", "999000111222333444"),
        ("result", result),
        ("auth", "000001"),
        ("ref", "000000000001"),
        ("tranid", "9999000011112222"),
        ("postdate", "0101"),
        ("trackid", track_id),
        ("amt", amt),
        *extra.items(),
    ]
    trandata = crypto.encrypt(protocol.encode_pairs(pairs), key)
    return {"paymentid": "999000111222333444", "trackid": track_id, "trandata": trandata}


@pytest.fixture
def paying(sandbox, gql, household, application):
    gql.login(household["user"])
    return {"h": household, "app": application, "gql": gql, "server": sandbox}


def test_approve_captures_then_the_application_is_paid_and_issued(paying, payer):
    app, gql, server = paying["app"], paying["gql"], paying["server"]
    announced: list[int] = []

    def listen(sender, *, message, **_):
        if message.application_id == app.pk and message.kind == "transition":
            announced.append(message.event_id)

    application_changed.connect(listen, dispatch_uid="test-payments-announced")
    before = {item.permit_id: item.permit.expires_on for item in app.items.select_related("permit")}
    started = start(gql, app)
    # KD 20 (Art. 22 spouse) + KD 50 (Art. 20, an expatriate household)
    assert started["quote"]["total"] == "70.000"
    url = started["redirectUrl"]
    assert url.startswith(f"{server.url}/sandbox/knet/kpg/PaymentHTTP.htm?param=paymentInit&")

    landing = payer.press(url, "approve")

    track_id = started["payment"]["trackId"]
    assert landing.status_code == 200
    assert urlsplit(str(landing.url)).path == f"/payments/knet/result/{track_id}"
    assert 'data-status="captured"' in landing.text and "تم الدفع" in landing.text
    payment = Payment.objects.get(track_id=track_id)
    assert payment.status == PaymentStatus.CAPTURED
    assert kinds(payment) == ["started", "callback", "inquiry", "captured"]
    callback = payment.events.get(kind="callback").fields
    for field in ("paymentid", "result", "auth", "ref", "tranid", "postdate", "amt", "udf1"):
        assert callback[field], field
    assert callback["udf1"] == reference(app) and callback["amt"] == "70.000"
    assert payment.reference and payment.transaction_id and payment.auth_code
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.number == f"R-{timezone.localdate():%Y}-{payment.pk:06d}"
    assert len(receipt.verification_code) == 16
    app.refresh_from_db()
    assert app.state == State.ISSUED
    moves = list(
        ApplicationEvent.objects.filter(application=app, kind="transition").values_list(
            "to_state", flat=True
        )
    )
    assert moves[-2:] == [State.PAID, State.ISSUED]
    for item in app.items.select_related("permit"):
        assert item.permit.expires_on == add_months(before[item.permit_id], 12)
    # Both transitions were announced (after commit) to the subscriptions' fan-out.
    application_changed.disconnect(dispatch_uid="test-payments-announced")
    announced_states = ApplicationEvent.objects.filter(pk__in=announced).values_list(
        "to_state", flat=True
    )
    assert set(announced_states) >= {State.PAID, State.ISSUED}


def test_decline_and_cancel_leave_the_application_to_pay_again(paying, payer):
    app, gql = paying["app"], paying["gql"]
    declined = start(gql, app, "pay-key-decline")
    landing = payer.press(declined["redirectUrl"], "decline")
    assert 'data-status="failed"' in landing.text
    payment = Payment.objects.get(track_id=declined["payment"]["trackId"])
    assert (payment.status, payment.result) == (PaymentStatus.FAILED, "NOT CAPTURED")
    assert "inquiry" not in kinds(payment)  # a failure needs no confirmation

    cancelled = start(gql, app, "pay-key-cancel")  # no wait: nothing is in progress
    payer.press(cancelled["redirectUrl"], "cancel")
    payment = Payment.objects.get(track_id=cancelled["payment"]["trackId"])
    assert (payment.status, payment.result) == (PaymentStatus.FAILED, "CANCELED")
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert not Receipt.objects.exists()


def test_duplicate_and_replayed_callbacks_change_nothing(paying, payer):
    app, gql, server = paying["app"], paying["gql"], paying["server"]
    started = start(gql, app)
    payer.press(started["redirectUrl"], "approve")
    track_id = started["payment"]["trackId"]
    payment = Payment.objects.get(track_id=track_id)
    events = ApplicationEvent.objects.filter(application=app).count()
    txn = KnetSandboxTransaction.objects.get(track_id=track_id)
    genuine = crypto.encrypt(protocol.encode_pairs(result_pairs(txn)), RESOURCE_KEY)

    again = post_callback(server, paymentid=txn.payment_id, trackid=track_id, trandata=genuine)
    decline = forged(track_id, result="NOT CAPTURED", udf2=str(payment.pk))
    replayed_decline = post_callback(server, **decline)

    assert again.text == f"REDIRECT={server.url}/payments/knet/result/{track_id}"
    assert replayed_decline.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and payment.result == "CAPTURED"
    assert kinds(payment)[-2:] == ["callback_duplicate", "callback_duplicate"]
    assert Receipt.objects.count() == 1
    assert ApplicationEvent.objects.filter(application=app).count() == events


def test_forged_callbacks_are_rejected_logged_and_change_nothing(paying, payer, caplog):
    app, gql, server = paying["app"], paying["gql"], paying["server"]
    started = start(gql, app)
    track_id = started["payment"]["trackId"]
    payer.open(started["redirectUrl"])  # the payer is on KNET's page, has not paid
    caplog.set_level(logging.WARNING, logger="payments")

    bad_cipher = post_callback(server, paymentid="1", trackid=track_id, trandata="00ff" * 8)
    wrong_amount = post_callback(server, **forged(track_id, amt="1.000"))
    wrong_key = post_callback(server, **forged(track_id, key="Z" * 16))
    unknown = post_callback(server, **forged("IQNOSUCHPAYMENT00000"))
    # Decryptable and well formed (a stolen key, say): the inquiry says the payer has not
    # paid, so nothing is captured.
    well_formed = post_callback(server, **forged(track_id))

    for response in (bad_cipher, wrong_amount, wrong_key, unknown, well_formed):
        assert response.text.startswith("REDIRECT=")
    payment = Payment.objects.get(track_id=track_id)
    assert payment.status == PaymentStatus.INITIATED
    assert kinds(payment) == [
        "started",
        "callback_rejected",
        "callback_rejected",
        "callback_rejected",
        "callback",
        "inquiry",
    ]
    assert payment.events.get(kind="inquiry").note == "SUSPECTED"
    notes = list(payment.events.filter(kind="callback_rejected").values_list("note", flat=True))
    assert "differs" in notes[1]
    orphan = PaymentEvent.objects.get(payment__isnull=True)
    assert orphan.kind == "callback_rejected" and orphan.note == "unknown track id"
    rejected = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 4 and all(r.levelno == logging.WARNING for r in rejected)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT


def test_a_lost_callback_is_settled_by_reconciliation(paying, payer, settings):
    app, gql = paying["app"], paying["gql"]
    settings.PAYMENTS = {**settings.PAYMENTS, "RECONCILE_AFTER_SECONDS": 0}
    started = start(gql, app)
    page = payer.press(started["redirectUrl"], "approve", notify=False)
    assert "not</em> notified" in page.text
    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert payment.status == PaymentStatus.INITIATED

    done = payments_reconcile()

    assert done.inquired == 1 and done.settled == {"captured": 1}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert kinds(payment) == ["started", "inquiry", "captured"]
    assert payment.events.get(kind="inquiry").source == "reconcile"
    app.refresh_from_db()
    assert app.state == State.ISSUED
    assert payments_reconcile().inquired == 0  # settled once


def test_reconciliation_fails_an_abandoned_payment_only_after_its_session(paying, payer, settings):
    app, gql = paying["app"], paying["gql"]
    settings.PAYMENTS = {**settings.PAYMENTS, "RECONCILE_AFTER_SECONDS": 0}
    started = start(gql, app)
    payer.press(started["redirectUrl"], "decline", notify=False)
    payment = Payment.objects.get(track_id=started["payment"]["trackId"])

    payments_reconcile()  # KNET says FAILURE, but the payer may still be on the page
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.INITIATED

    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT


def test_gateway_down_loses_no_money_state_and_answers_typed_errors(
    paying, payer, settings, household
):
    from strawberry.relay import to_base64

    app, gql = paying["app"], paying["gql"]
    started = start(gql, app)
    settings.KNET_SANDBOX = {**settings.KNET_SANDBOX, "TRAN_PIPE_OUTAGE": True}

    landing = payer.press(started["redirectUrl"], "approve")  # paid, but the inquiry fails

    assert 'data-status="initiated"' in landing.text  # "we are confirming your payment"
    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert payment.status == PaymentStatus.INITIATED
    assert kinds(payment) == ["started", "callback", "inquiry_failed"]
    gql.language = "ar"
    check = gql(CHECK, {"id": to_base64("Payment", payment.pk)})["data"]["checkPayment"]
    [error] = check["errors"]
    assert error["code"] == "GATEWAY_UNAVAILABLE" and error["message"] == error["messageAr"]
    # After repeated failures the circuit opens: new payers are not sent to a dead gateway.
    gql(CHECK, {"id": to_base64("Payment", payment.pk)})
    other = factories.household()
    other_app = awaiting_payment(other, other["maid"])
    gql.login(other["user"])
    refused = gql(START, {"id": app_id(other_app), "key": "other-key-01"})["data"]["startPayment"]
    assert [e["code"] for e in refused["errors"]] == ["GATEWAY_UNAVAILABLE"]
    assert not Payment.objects.filter(application=other_app).exists()

    settings.KNET_SANDBOX = {**settings.KNET_SANDBOX, "TRAN_PIPE_OUTAGE": False}
    settings.KNET = {**settings.KNET, "CIRCUIT_RESET_SECONDS": 0}
    settings.PAYMENTS = {**settings.PAYMENTS, "RECONCILE_AFTER_SECONDS": 0}
    payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    app.refresh_from_db()
    assert app.state == State.ISSUED


def test_a_rejection_after_payment_refunds_through_the_gateway(paying, payer, monkeypatch):
    app, gql = paying["app"], paying["gql"]
    monkeypatch.setattr("payments.settle.issue_after_commit", lambda application_id: None)
    started = start(gql, app)
    payer.press(started["redirectUrl"], "approve")
    app.refresh_from_db()
    assert app.state == State.PAID  # issuing did not happen (patched out)
    gql.login(factories.user(is_staff=True))

    result = gql(REJECT, {"id": app_id(app)})["data"]["rejectPaidRenewal"]

    assert result == {"application": {"state": "REJECTED"}, "errors": []}
    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert payment.status == PaymentStatus.REFUNDED
    assert kinds(payment)[-3:] == ["refund_due", "refund", "refunded"]
    refund = payment.events.get(kind="refund")
    assert refund.fields["result"] == "CAPTURED" and refund.fields["amt"] == "70.000"
    assert refund.fields["tranid"] and refund.fields["tranid"] != payment.transaction_id
    txn = KnetSandboxTransaction.objects.get(track_id=payment.track_id)
    assert txn.refunded == Decimal("70.000") and len(txn.refunds) == 1


def test_any_rejection_of_a_paid_application_refunds(paying, payer, monkeypatch):
    app, gql = paying["app"], paying["gql"]
    monkeypatch.setattr("payments.settle.issue_after_commit", lambda application_id: None)
    started = start(gql, app)
    payer.press(started["redirectUrl"], "approve")
    app.refresh_from_db()

    application_transition(app, State.REJECTED, actor=None, reason="rejected elsewhere")

    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.events.get(kind="refund_due").source == "rejection"


def test_two_payments_cannot_both_be_captured(paying, payer):
    app, gql = paying["app"], paying["gql"]
    first = start(gql, app, "pay-key-first")
    # The payer left the first payment on KNET's page and, once its session is over for us,
    # starts another one, then completes both.
    Payment.objects.filter(track_id=first["payment"]["trackId"]).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    second = start(gql, app, "pay-key-second")
    payer.press(second["redirectUrl"], "approve")
    payer.press(first["redirectUrl"], "approve")

    captured = Payment.objects.filter(application=app, status=PaymentStatus.CAPTURED)
    assert [p.track_id for p in captured] == [second["payment"]["trackId"]]
    late = Payment.objects.get(track_id=first["payment"]["trackId"])
    assert late.status == PaymentStatus.REFUNDED
    assert "already paid" in late.refund_reason or "issued" in late.refund_reason
    assert "refund" in kinds(late)
    assert Receipt.objects.count() == 1


def test_credentials_never_reach_the_logs(paying, payer, caplog, monkeypatch):
    app, gql, server = paying["app"], paying["gql"], paying["server"]
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("payments.settle.issue_after_commit", lambda application_id: None)
    started = start(gql, app)
    payer.press(started["redirectUrl"], "approve")
    post_callback(server, **forged(started["payment"]["trackId"], key="Z" * 16))
    gql.login(factories.user(is_staff=True))
    gql(REJECT, {"id": app_id(app)})  # a refund, over tranPipe
    assert Payment.objects.get(track_id=started["payment"]["trackId"]).status == "refunded"

    # Everything our code logged, in this thread (GraphQL) and the server's (callbacks,
    # inquiries, the refund) — but not the payer's browser, which is this thread's httpx: the
    # URL KNET's protocol gives the payer carries the tranportal id.
    ours = [
        r
        for r in caplog.records
        if not (r.name.startswith("httpx") and r.thread == threading.main_thread().ident)
    ]
    logged = "\n".join(r.getMessage() + str(r.args) + str(r.exc_text) for r in ours)
    assert any("rejected" in r.getMessage() for r in ours)
    assert any("tranPipe" in r.getMessage() for r in ours)  # the server's own httpx calls
    for secret in (TRANPORTAL_ID, PASSWORD, RESOURCE_KEY):
        assert secret not in logged


def test_an_error_redirect_fails_the_payment(paying, payer, settings):
    app, gql = paying["app"], paying["gql"]
    started = start(gql, app)
    # The payer stays on KNET's page past its session: KNET sends them to our error URL with
    # Error/ErrorText.
    settings.KNET_SANDBOX = {**settings.KNET_SANDBOX, "SESSION_MINUTES": 0}
    landing = payer.press(started["redirectUrl"], "approve")
    assert 'data-status="failed"' in landing.text
    payment = Payment.objects.get(track_id=started["payment"]["trackId"])
    assert (payment.status, payment.error_code) == (PaymentStatus.FAILED, "IPAY0100031")
    # The error came in plain text, through the payer's browser: KNET's inquiry confirms it.
    assert kinds(payment) == ["started", "error", "inquiry", "failed"]


def test_a_forged_error_report_does_not_fail_a_payment_in_progress(paying, payer):
    app, gql, server = paying["app"], paying["gql"], paying["server"]
    started = start(gql, app)
    track_id = started["payment"]["trackId"]
    payer.open(started["redirectUrl"])  # on KNET's page
    httpx.get(f"{server.url}/payments/knet/error?Error=IPAY0100099&ErrorText=x&trackid={track_id}")
    payment = Payment.objects.get(track_id=track_id)
    assert payment.status == PaymentStatus.INITIATED  # KNET says SUSPECTED: still open
    payer.press(started["redirectUrl"], "approve")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
