"""KNET's message formats, shared by the adapter and the sandbox so both ends cannot drift apart.

- The payer goes to ``{base}/PaymentHTTP.htm?param=paymentInit&trandata=…&tranportalId=…&
  responseURL=…&errorURL=…``; ``trandata`` is the encrypted query string ``id, password,
  action=1, langid, currencycode=414, amt, responseURL, errorURL, trackid, udf1..udf5``.
- KNET posts ``paymentid``, ``trackid`` and an encrypted ``trandata`` (``paymentid, result,
  auth, ref, tranid, postdate, trackid, amt, udf1..udf5``, …) to the response URL — or
  ``Error``/``ErrorText`` — and our page answers one line, ``REDIRECT=<url>``.
- Server to server, ``{base}/tranPipe.htm?param=tranInit`` takes XML fragments
  (``<id>…</id><password>…</password><action>8</action>…``) and answers the same way; errors
  are ``<error_code_tag>IPAY0100…</error_code_tag>…<result>!ERROR!-IPAY0100…-text</result>``.
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

PAYMENT_PAGE = "PaymentHTTP.htm"
TRAN_PIPE = "tranPipe.htm"
ACTION_PURCHASE = "1"
ACTION_REFUND = "2"
ACTION_INQUIRY = "8"
CURRENCY_KWD = "414"
LANGUAGES = {"en": "USA", "ar": "AR"}
FILS = Decimal("0.001")
# udf5 of an inquiry says what ``transid`` holds: our track id, not KNET's transaction id.
INQUIRE_BY_TRACK_ID = "TrackID"

TRACK_ID = re.compile(r"[A-Za-z0-9]{1,40}")
# What may stand in a value of the encrypted query string: no separators, no markup.
SAFE_VALUE = re.compile(r"[^&=<>\"'\r\n]*")
_FRAGMENT = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>(.*?)</\1>", re.DOTALL)


class Result(enum.StrEnum):
    """The outcome of a payment (callback) or a refund (tranPipe action 2)."""

    CAPTURED = "CAPTURED"
    NOT_CAPTURED = "NOT CAPTURED"
    CANCELED = "CANCELED"
    HOST_TIMEOUT = "HOST TIMEOUT"


class InquiryResult(enum.StrEnum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    SUSPECTED = "SUSPECTED"


ERROR = "ERROR"  # our word for an answer carrying an IPAY error code


def amount_text(amount: Decimal) -> str:
    """``140.000``: three decimals, never a float."""
    if not isinstance(amount, Decimal):
        raise TypeError("amounts are Decimal")
    return f"{amount.quantize(FILS):f}"


def parse_amount(text: str | None) -> Decimal | None:
    """KNET's ``amt`` as Decimal dinars; None when absent; ValueError when not an amount."""
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text[:20]!r}") from exc
    if not value.is_finite() or value < 0 or value != value.quantize(FILS):
        raise ValueError(f"not an amount in fils: {text[:20]!r}")
    return value.quantize(FILS)


def encode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """``k=v&k=v`` as KNET writes it: values unescaped, so none may hold a separator."""
    parts = []
    for key, value in pairs:
        if not SAFE_VALUE.fullmatch(value):
            raise ValueError(f"{key} holds a character KNET's query string cannot carry")
        parts.append(f"{key}={value}")
    return "&".join(parts)


def decode_pairs(text: str) -> dict[str, str]:
    """The fields of a decrypted ``trandata`` (the first ``=`` of each part splits)."""
    fields: dict[str, str] = {}
    for part in text.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError("not a KNET query string")
        fields[key.strip()] = value.strip()
    return fields


def purchase_pairs(
    *,
    tranportal_id: str,
    password: str,
    amount: Decimal,
    track_id: str,
    language: str,
    response_url: str,
    error_url: str,
    udf: Iterable[str],
) -> list[tuple[str, str]]:
    if not TRACK_ID.fullmatch(track_id):
        raise ValueError("a track id is 1 to 40 letters and digits")
    return [
        ("id", tranportal_id),
        ("password", password),
        ("action", ACTION_PURCHASE),
        ("langid", LANGUAGES.get(language, "USA")),
        ("currencycode", CURRENCY_KWD),
        ("amt", amount_text(amount)),
        ("responseURL", response_url),
        ("errorURL", error_url),
        ("trackid", track_id),
        *((f"udf{n}", value) for n, value in enumerate(udf, start=1)),
    ]


def payment_page_url(
    base: str, *, trandata: str, tranportal_id: str, response_url: str, error_url: str
) -> str:
    query = urlencode(
        {
            "param": "paymentInit",
            "trandata": trandata,
            "tranportalId": tranportal_id,
            "responseURL": response_url,
            "errorURL": error_url,
        },
        safe=":/",
    )
    return f"{base.rstrip('/')}/{PAYMENT_PAGE}?{query}"


def tran_pipe_url(base: str) -> str:
    return f"{base.rstrip('/')}/{TRAN_PIPE}?param=tranInit"


def xml_fragments(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f"<{key}>{html.escape(value, quote=False)}</{key}>" for key, value in pairs)


def parse_xml_fragments(text: str) -> dict[str, str]:
    """Flat ``<tag>value</tag>`` fragments (with or without a wrapping element) as a dict."""
    body = text.strip()
    wrapped = re.fullmatch(r"<(request|response)>(.*)</\1>", body, re.DOTALL)
    if wrapped:
        body = wrapped.group(2)
    return {key: html.unescape(value).strip() for key, value in _FRAGMENT.findall(body)}


def error_fragments(code: str, text: str) -> str:
    return xml_fragments(
        [
            ("error_code_tag", code),
            ("error_service_tag", "null"),
            ("result", f"!ERROR!-{code}-{text}"),
        ]
    )


def error_of(fields: dict[str, str]) -> tuple[str, str] | None:
    """(code, text) when a tranPipe answer is an error, else None."""
    result = fields.get("result", "")
    code = fields.get("error_code_tag", "")
    if not code and not result.startswith("!ERROR!"):
        return None
    if result.startswith("!ERROR!"):
        _, _, rest = result.partition("!ERROR!-")
        found, _, text = rest.partition("-")
        return code or found, text
    return code, result
