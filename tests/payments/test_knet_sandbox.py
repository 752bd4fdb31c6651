"""The sandbox speaks KNET's protocol and refuses what KNET would: wrong credentials, a reused
track id, a second answer, a refund beyond the capture."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from payments.gateway import PaymentData
from payments.gateways.knet import protocol
from payments.gateways.knet.client import KnetGateway, knet_config
from payments.gateways.knet_sandbox.models import KnetSandboxTransaction as Txn
from tests.payments.conftest import PASSWORD, TRANPORTAL_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(settings) -> Client:
    settings.ROOT_URLCONF = "tests.payments.urls"
    settings.KNET = {**settings.KNET, "URL": "http://testserver/sandbox/knet/kpg"}
    return Client()


def url(track_id="IQSANDBOX00000000001", amount="12.500", language="en") -> str:
    return KnetGateway(knet_config()).redirect_url(
        PaymentData(
            track_id=track_id,
            amount=Decimal(amount),
            language=language,
            response_url="http://merchant.example/response",
            error_url="http://merchant.example/error",
            currency="KWD",
            payment_ref="1",
            application_ref="RN-1",
        )
    )


def pipe(browser: Client, **fields) -> dict[str, str]:
    body = protocol.xml_fragments([("id", TRANPORTAL_ID), ("password", PASSWORD), *fields.items()])
    response = browser.post(
        "/sandbox/knet/kpg/tranPipe.htm?param=tranInit", body, content_type="application/xml"
    )
    assert response.status_code == 200
    return protocol.parse_xml_fragments(response.content.decode())


def test_the_page_shows_the_amount_and_three_buttons(browser):
    page = browser.get(url())
    text = page.content.decode()
    assert page.status_code == 200 and "KD 12.500" in text
    for action in ("approve", "decline", "cancel"):
        assert f'value="{action}"' in text
    arabic = browser.get(url("IQSANDBOX00000000002", language="ar")).content.decode()
    assert 'dir="rtl"' in arabic and "موافقة" in arabic
    # Opening the same URL again shows the same transaction.
    browser.get(url())
    assert Txn.objects.filter(track_id="IQSANDBOX00000000001").count() == 1


def test_a_request_with_wrong_credentials_goes_to_the_error_url(browser, settings):
    settings.KNET_SANDBOX = {
        "TERMINALS": {
            TRANPORTAL_ID: {"PASSWORD": "other", "RESOURCE_KEY": settings.KNET["RESOURCE_KEY"]}
        }
    }
    response = browser.get(url())
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "http://merchant.example/error"
    assert parse_qs(target.query)["Error"] == ["IPAY0100014"]
    assert not Txn.objects.exists()


def test_an_unknown_terminal_is_refused_on_the_spot(browser):
    response = browser.get(url().replace(f"tranportalId={TRANPORTAL_ID}", "tranportalId=1"))
    assert response.status_code == 400 and b"IPAY0100012" in response.content


def test_inquiry_answers_suspected_while_the_payer_is_on_the_page(browser, settings):
    browser.get(url())
    answer = pipe(browser, action="8", amt="12.500", transid="IQSANDBOX00000000001", udf5="TrackID")
    assert answer["result"] == "SUSPECTED" and answer["trackid"] == "IQSANDBOX00000000001"
    settings.KNET_SANDBOX = {"SESSION_MINUTES": 0}
    assert (
        pipe(browser, action="8", amt="12.500", transid="IQSANDBOX00000000001", udf5="TrackID")[
            "result"
        ]
        == "FAILURE"
    )
    unknown = pipe(browser, action="8", amt="1.000", transid="IQNOPE", udf5="TrackID")
    assert unknown["result"] == "FAILURE"
    mismatch = pipe(
        browser, action="8", amt="1.000", transid="IQSANDBOX00000000001", udf5="TrackID"
    )
    assert protocol.error_of(mismatch)[0] == "IPAY0100022"


def test_refunds_never_exceed_the_capture(browser):
    browser.get(url())
    txn = Txn.objects.get()
    Txn.objects.filter(pk=txn.pk).update(status=Txn.Status.CAPTURED, tran_id="1234")
    first = pipe(browser, action="2", amt="10.000", transid="1234", trackid=txn.track_id)
    assert first["result"] == "CAPTURED" and first["amt"] == "10.000"
    too_much = pipe(browser, action="2", amt="2.501", transid="1234", trackid=txn.track_id)
    assert protocol.error_of(too_much)[0] == "IPAY0100023"
    rest = pipe(browser, action="2", amt="2.500", transid="1234", trackid=txn.track_id)
    assert rest["result"] == "CAPTURED"
    assert Txn.objects.get().refunded == Decimal("12.500")


def test_tran_pipe_refuses_bad_credentials_and_actions(browser):
    response = browser.post(
        "/sandbox/knet/kpg/tranPipe.htm?param=tranInit",
        protocol.xml_fragments([("id", TRANPORTAL_ID), ("password", "nope"), ("action", "8")]),
        content_type="application/xml",
    )
    fields = protocol.parse_xml_fragments(response.content.decode())
    assert protocol.error_of(fields)[0] == "IPAY0100014"
    assert protocol.error_of(pipe(browser, action="5"))[0] == "IPAY0100015"


def test_an_outage_answers_503(browser, settings):
    settings.KNET_SANDBOX = {"OUTAGE": True}
    assert browser.get(url()).status_code == 503
    response = browser.post(
        "/sandbox/knet/kpg/tranPipe.htm?param=tranInit",
        "<id>1</id>",
        content_type="application/xml",
    )
    assert response.status_code == 503


def test_a_finished_transaction_takes_no_second_answer(browser):
    browser.get(url())
    txn = Txn.objects.get()
    Txn.objects.filter(pk=txn.pk).update(status=Txn.Status.NOT_CAPTURED)
    assert (
        browser.post(f"/sandbox/knet/kpg/pay/{txn.payment_id}", {"action": "approve"}).status_code
        == 409
    )
    again = browser.get(url())  # the track id was used: KNET refuses it
    assert parse_qs(urlsplit(again["Location"]).query)["Error"] == ["IPAY0100021"]
