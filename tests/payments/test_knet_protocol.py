"""The KNET message formats: the trandata cipher (checked against OpenSSL), the payer's URL, the
callback and tranPipe formats."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from payments.gateway import InvalidGatewayMessage, Outcome, PaymentData
from payments.gateways.knet import crypto, protocol
from payments.gateways.knet.client import KnetConfig, KnetGateway
from tests.payments.conftest import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID

CONFIG = KnetConfig(
    url="https://kpaytest.example/kpg",
    tranportal_id=TRANPORTAL_ID,
    password=PASSWORD,
    resource_key=RESOURCE_KEY,
)
DATA = PaymentData(
    track_id="IQ0123456789ABCDEFGH",
    amount=Decimal("130.000"),
    language="en",
    response_url="https://iqama.example/payments/knet/response",
    error_url="https://iqama.example/payments/knet/error",
    currency="KWD",
    payment_ref="17",
    application_ref="RN-2026-000042",
)


def test_trandata_is_aes_128_cbc_with_the_key_as_iv_pkcs5_hex():
    # The same bytes as: openssl enc -aes-128-cbc -K <hex key> -iv <hex key> | xxd -p
    assert crypto.encrypt("id=1&password=x", RESOURCE_KEY) == "357823f76ca6a6b862b89b7868832432"
    assert crypto.decrypt("357823F76CA6A6B862B89B7868832432", RESOURCE_KEY) == "id=1&password=x"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_trandata_decrypts_with_openssl():
    plain = "paymentid=100&result=NOT CAPTURED&amt=7.500&udf1=عربي"
    key = RESOURCE_KEY.encode().hex()
    out = subprocess.run(
        ["openssl", "enc", "-d", "-aes-128-cbc", "-K", key, "-iv", key],
        input=bytes.fromhex(crypto.encrypt(plain, RESOURCE_KEY)),
        capture_output=True,
        check=True,
    )
    assert out.stdout.decode() == plain


@pytest.mark.parametrize(
    "garbage",
    ["", "zz", "abc", "00" * 15, "00" * 16, crypto.encrypt("x", "AAAAAAAAAAAAAAAA")],
)
def test_what_our_key_did_not_encrypt_is_refused(garbage):
    with pytest.raises(crypto.InvalidTrandata):
        crypto.decrypt(garbage, RESOURCE_KEY)


def test_the_payers_url_is_the_hosted_page_with_the_encrypted_request():
    url = KnetGateway(CONFIG).redirect_url(DATA)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://kpaytest.example/kpg/PaymentHTTP.htm"
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["param"] == "paymentInit"
    assert query["tranportalId"] == TRANPORTAL_ID
    assert query["responseURL"] == DATA.response_url
    assert query["errorURL"] == DATA.error_url
    assert PASSWORD not in url and RESOURCE_KEY not in url
    plain = crypto.decrypt(query["trandata"], RESOURCE_KEY)
    assert plain == (
        f"id={TRANPORTAL_ID}&password={PASSWORD}&action=1&langid=USA&currencycode=414"
        "&amt=130.000&responseURL=https://iqama.example/payments/knet/response"
        "&errorURL=https://iqama.example/payments/knet/error&trackid=IQ0123456789ABCDEFGH"
        "&udf1=RN-2026-000042&udf2=17&udf3=KWD&udf4=&udf5="
    )
    # Deterministic: the same payment gives the same URL (nothing to store).
    assert KnetGateway(CONFIG).redirect_url(DATA) == url


def test_arabic_payers_get_the_arabic_page():
    url = KnetGateway(CONFIG).redirect_url(PaymentData(**{**DATA.__dict__, "language": "ar"}))
    trandata = parse_qs(urlsplit(url).query)["trandata"][0]
    assert "&langid=AR&" in crypto.decrypt(trandata, RESOURCE_KEY)


def test_track_ids_are_alphanumeric_up_to_40():
    for bad in ("", "IQ-1", "x" * 41, "IQ 1"):
        with pytest.raises(ValueError):
            KnetGateway(CONFIG).redirect_url(PaymentData(**{**DATA.__dict__, "track_id": bad}))


def test_amounts_are_decimal_with_three_decimals():
    assert protocol.amount_text(Decimal("20")) == "20.000"
    assert protocol.amount_text(Decimal("58.3333")) == "58.333"
    with pytest.raises(TypeError):
        protocol.amount_text(20.0)
    assert protocol.parse_amount("130.000") == Decimal("130.000")
    assert protocol.parse_amount("") is None
    for bad in ("1e3x", "12.0001", "-1.000", "NaN"):
        with pytest.raises(ValueError):
            protocol.parse_amount(bad)


def _callback(pairs, **posted):
    trandata = crypto.encrypt(protocol.encode_pairs(pairs), RESOURCE_KEY)
    return {
        "paymentid": "100200300400500600",
        "trackid": DATA.track_id,
        "trandata": trandata,
        **posted,
    }


CAPTURED = [
    ("paymentid", "100200300400500600"),
    ("result", "CAPTURED"),
    ("auth", "123456"),
    ("ref", "512345678901"),
    ("avr", "N"),
    ("postdate", "0625"),
    ("tranid", "2025061234567890"),
    ("trackid", DATA.track_id),
    ("amt", "130.000"),
    ("udf1", "RN-2026-000042"),
    ("udf2", "17"),
    ("udf3", "KWD"),
    ("udf4", ""),
    ("udf5", ""),
]


def test_a_callback_is_decrypted_and_every_field_kept():
    response = KnetGateway(CONFIG).read_callback(_callback(CAPTURED))
    assert response.result == "CAPTURED" and response.outcome == Outcome.APPROVED
    assert (response.payment_ref, response.currency) == ("17", "KWD")
    assert response.amount == Decimal("130.000")
    assert (response.track_id, response.payment_id) == (DATA.track_id, "100200300400500600")
    assert (response.transaction_id, response.reference, response.auth_code) == (
        "2025061234567890",
        "512345678901",
        "123456",
    )
    assert response.post_date == "0625"
    for key, value in CAPTURED:
        assert response.fields[key] == value
    assert "trandata" in response.fields  # the evidence, as posted


def test_an_error_callback_carries_the_ipay_code():
    response = KnetGateway(CONFIG).read_callback(
        {"paymentid": "1", "trackid": DATA.track_id, "Error": "IPAY0100013", "ErrorText": "x"}
    )
    assert (response.result, response.error_code) == ("ERROR", "IPAY0100013")


@pytest.mark.parametrize(
    "posted",
    [
        {"trackid": DATA.track_id, "trandata": "not-hex"},
        {"trackid": DATA.track_id, "trandata": crypto.encrypt("result=CAPTURED", "B" * 16)},
        {"trackid": DATA.track_id},
        _callback(CAPTURED, trackid="IQSOMEONEELSE0000000"),
        _callback([("result", "PAID"), ("trackid", DATA.track_id)]),
        _callback([("result", "CAPTURED"), ("amt", "lots")]),
        _callback(CAPTURED, paymentid="999"),
    ],
)
def test_callbacks_that_cannot_be_trusted_are_refused(posted):
    with pytest.raises(InvalidGatewayMessage):
        KnetGateway(CONFIG).read_callback(posted)


def test_tran_pipe_fragments_and_errors():
    body = protocol.xml_fragments([("id", "1"), ("amt", "1.000"), ("udf1", "a<b&c")])
    assert body == "<id>1</id><amt>1.000</amt><udf1>a&lt;b&amp;c</udf1>"
    assert protocol.parse_xml_fragments(body)["udf1"] == "a<b&c"
    assert protocol.parse_xml_fragments(f"<response>{body}</response>")["id"] == "1"
    error = protocol.parse_xml_fragments(protocol.error_fragments("IPAY0100014", "Bad"))
    assert protocol.error_of(error) == ("IPAY0100014", "Bad")
    assert protocol.error_of({"result": "SUCCESS"}) is None


def test_credentials_are_hidden_from_repr():
    text = repr(CONFIG) + str(CONFIG)
    assert TRANPORTAL_ID not in text and PASSWORD not in text and RESOURCE_KEY not in text
