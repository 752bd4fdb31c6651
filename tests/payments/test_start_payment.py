"""startPayment: one payment of the quoted amount, the URL for the payer, idempotent by key; two
starts at once for one application take turns on its row lock, so only one payment exists."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, connections

from core.applications.kinds import reference
from core.applications.states import State
from payments.errors import PaymentErrorCode
from payments.gateways.knet import crypto
from payments.models import Payment, PaymentEvent, PaymentStatus
from payments.start import payment_start
from tests import factories
from tests.payments.conftest import RESOURCE_KEY, START, app_id, awaiting_payment
from tests.support.applications import submit


@pytest.mark.django_db
def test_start_returns_the_url_of_knets_page_for_the_quoted_amount(gql, application, household):
    gql.login(household["user"])

    result = gql(START, {"id": app_id(application), "key": "pay-key-0001"})["data"]["startPayment"]

    assert result["errors"] == []
    payment = Payment.objects.get()
    assert result["payment"]["amount"] == "70.000" == result["quote"]["total"]
    assert result["payment"]["status"] == "INITIATED"
    query = {k: v[0] for k, v in parse_qs(urlsplit(result["redirectUrl"]).query).items()}
    plain = crypto.decrypt(query["trandata"], RESOURCE_KEY)
    assert "&amt=70.000&" in plain and f"&trackid={payment.track_id}&" in plain
    assert f"&udf1={reference(application)}&udf2={payment.pk}&udf3=KWD&" in plain
    assert query["responseURL"] == "http://testserver/payments/knet/response"
    assert len(payment.track_id) <= 40 and payment.track_id.isalnum()
    [event] = PaymentEvent.objects.filter(payment=payment)
    assert (event.kind, event.status_before, event.status_after) == ("started", "", "initiated")
    assert event.actor == household["user"]


@pytest.mark.django_db
def test_the_same_key_gives_the_same_payment(gql, application, household):
    gql.login(household["user"])
    first = gql(START, {"id": app_id(application), "key": "pay-key-0001"})["data"]["startPayment"]
    again = gql(START, {"id": app_id(application), "key": "pay-key-0001"})["data"]["startPayment"]
    assert again["errors"] == []
    assert again["payment"]["id"] == first["payment"]["id"]
    assert again["redirectUrl"] == first["redirectUrl"]
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_a_second_key_while_a_payment_is_on_knets_page(gql, application, household):
    gql.login(household["user"])
    first = gql(START, {"id": app_id(application), "key": "pay-key-0001"})["data"]["startPayment"]
    gql.language = "ar"
    other = gql(START, {"id": app_id(application), "key": "pay-key-0002"})["data"]["startPayment"]
    [error] = other["errors"]
    assert error["code"] == "PAYMENT_IN_PROGRESS" and error["message"] == error["messageAr"]
    # The payer is given the payment in progress to finish.
    assert other["payment"]["id"] == first["payment"]["id"]
    assert other["redirectUrl"] == first["redirectUrl"]
    assert Payment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "short", "x" * 65, "has space 123", "ünïcode-key"])
def test_a_bad_idempotency_key_is_a_typed_error(gql, application, household, key):
    gql.login(household["user"])
    result = gql(START, {"id": app_id(application), "key": key})["data"]["startPayment"]
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("INVALID_IDEMPOTENCY_KEY", "idempotencyKey")
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_wrong_state_and_unknown_application(gql, household):
    h = household
    app = submit(h, h["maid"])  # still checking
    gql.login(h["user"])
    result = gql(START, {"id": app_id(app), "key": "pay-key-0001"})["data"]["startPayment"]
    assert [e["code"] for e in result["errors"]] == ["WRONG_STATE"]
    garbage = gql(START, {"id": "UGVyc29uOjE=", "key": "pay-key-0001"})["data"]["startPayment"]
    assert [e["code"] for e in garbage["errors"]] == ["NOT_FOUND"]  # a Person id, not an app


@pytest.mark.django_db
def test_anonymous_cannot_start(gql, application):
    result = gql(START, {"id": app_id(application), "key": "pay-key-0001"})["data"]["startPayment"]
    assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("same_key", [False, True])
def test_concurrent_starts_make_one_payment(household, same_key):
    h = household
    app = awaiting_payment(h, h["wife"], h["maid"])
    barrier = threading.Barrier(4)
    outcomes: list = []

    def start(n: int) -> None:
        key = "pay-key-shared" if same_key else f"pay-key-thread-{n}"
        barrier.wait()
        try:
            started = payment_start(actor=h["user"], application_id=app.pk, idempotency_key=key)
            refused = [e.code for e in started.errors]
            outcomes.append(("in_progress" if refused else "started", started.payment.pk))
            assert refused in ([], [PaymentErrorCode.PAYMENT_IN_PROGRESS])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    [payment] = Payment.objects.filter(application=app)
    assert len(outcomes) == 4 and {pk for _, pk in outcomes} == {payment.pk}
    started = [kind for kind, _ in outcomes if kind == "started"]
    assert len(started) == (4 if same_key else 1)
    assert PaymentEvent.objects.filter(kind="started").count() == 1


@pytest.mark.django_db
def test_at_most_one_captured_payment_per_application_in_the_database(application, household):
    from django.db import IntegrityError, transaction

    first = payment_start(
        actor=household["user"], application_id=application.pk, idempotency_key="pay-key-0001"
    ).payment
    Payment.objects.filter(pk=first.pk).update(status=PaymentStatus.CAPTURED)
    second = Payment.objects.create(
        application=application,
        quote=first.quote,
        idempotency_key="pay-key-0002",
        track_id="IQSECOND000000000000",
        amount=first.amount,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=second.pk).update(status=PaymentStatus.CAPTURED)


@pytest.mark.django_db
def test_back_office_may_start_for_any_sponsor(gql, application):
    gql.login(factories.user(is_staff=True))
    result = gql(START, {"id": app_id(application), "key": "officer-key-1"})["data"]["startPayment"]
    assert result["errors"] == [] and result["payment"]["status"] == "INITIATED"
    application.refresh_from_db()
    assert application.state == State.AWAITING_PAYMENT


@pytest.mark.django_db
def test_an_amount_other_than_the_quote_is_a_typed_error(gql, application, household):
    gql.login(household["user"])
    query = START.replace("$key: String!)", "$key: String!, $amount: Decimal)").replace(
        "idempotencyKey: $key)", "idempotencyKey: $key, expectedAmount: $amount)"
    )
    wrong = gql(query, {"id": app_id(application), "key": "pay-key-0001", "amount": "25.000"})
    result = wrong["data"]["startPayment"]
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("AMOUNT_MISMATCH", "expectedAmount")
    assert error["messageAr"] and result["quote"]["total"] == "70.000"
    assert not Payment.objects.exists()
    assert application.quotes.filter(total="70.000").exists()  # the quote to review is kept
    right = gql(query, {"id": app_id(application), "key": "pay-key-0001", "amount": "70.000"})
    assert right["data"]["startPayment"]["errors"] == []


@pytest.mark.django_db
def test_checking_an_unknown_payment_is_a_typed_error(gql, household):
    gql.login(household["user"])
    query = """mutation { checkPayment(paymentId: "UGF5bWVudDo5OTk5") { payment { status }
      errors { code field messageEn messageAr } } }"""
    [error] = gql(query)["data"]["checkPayment"]["errors"]
    assert (error["code"], error["field"]) == ("UNKNOWN_PAYMENT", "paymentId")
