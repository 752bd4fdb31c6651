"""After a KNET capture: the payer downloads the bilingual PDF receipt through a signed link,
anyone can verify its code, and another sponsor gets nothing."""

from __future__ import annotations

import io
import unicodedata

import httpx
import pytest
from pypdf import PdfReader

from payments.models import Receipt
from tests.payments.conftest import START, app_id

pytestmark = pytest.mark.django_db(transaction=True)

PAYMENTS = """query($id: ID!) { applicationPayments(applicationId: $id) {
  status receipt { number verificationCode downloadUrl } } }"""
VERIFY = """query($code: String!) { verifyReceipt(code: $code) {
  number total knetReference applicationReference persons lines } }"""


def test_the_payer_downloads_the_receipt_and_anyone_can_verify_it(
    sandbox, gql, household, application, payer, other_family
):
    gql.login(household["user"])
    started = gql(START, {"id": app_id(application), "key": "receipt-0001"})["data"]
    payer.press(started["startPayment"]["redirectUrl"], "approve")

    [payment] = gql(PAYMENTS, {"id": app_id(application)})["data"]["applicationPayments"]
    receipt = payment["receipt"]
    assert payment["status"] == "CAPTURED"
    link = httpx.URL(sandbox.url).join(httpx.URL(receipt["downloadUrl"]).path)
    pdf = httpx.get(link, timeout=30)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = unicodedata.normalize(
        "NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert receipt["number"] in text
    assert household["wife"].name_en in text and household["maid"].name_en in text
    assert "70.000" in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # the Arabic side is there

    verified = gql(VERIFY, {"code": receipt["verificationCode"].lower()})["data"]["verifyReceipt"]
    assert verified["number"] == receipt["number"]
    assert verified["total"] == "70.000" and verified["persons"] == 2
    assert gql(VERIFY, {"code": "NOT-A-REAL-CODE"})["data"]["verifyReceipt"] is None
    page = httpx.get(f"{sandbox.url}/receipts/verify/{receipt['verificationCode']}", timeout=30)
    assert page.status_code == 200 and receipt["number"] in page.text

    gql.login(other_family["user"])
    assert gql(PAYMENTS, {"id": app_id(application)})["data"]["applicationPayments"] == []
    tampered = str(link)[:-3] + "xyz"
    assert httpx.get(tampered, timeout=30).status_code == 404
    assert Receipt.objects.count() == 1
