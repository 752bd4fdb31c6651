"""The KNET adapter: builds the hosted-page URL, reads callbacks, inquires and refunds.

Credentials (tranportal id, password, resource key) come from ``settings.KNET`` and go only
where the protocol puts them: inside the encrypted ``trandata``, the ``tranportalId`` of the
payer's URL, and the body of server-to-server calls. They are never logged, never put in an
exception's message, and hidden from ``repr``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from payments.gateway import (
    GatewayResponse,
    GatewayUnavailable,
    InvalidGatewayMessage,
    Outcome,
    PaymentData,
)
from payments.gateways.knet import crypto, protocol

# KNET's words, as outcomes (the facade speaks only these).
PAYMENT_OUTCOMES = {
    protocol.Result.CAPTURED: Outcome.APPROVED,
    protocol.Result.NOT_CAPTURED: Outcome.DECLINED,
    protocol.Result.CANCELED: Outcome.DECLINED,
    protocol.Result.HOST_TIMEOUT: Outcome.DECLINED,
}
INQUIRY_OUTCOMES = {
    protocol.InquiryResult.SUCCESS: Outcome.APPROVED,
    protocol.InquiryResult.FAILURE: Outcome.DECLINED,
    protocol.InquiryResult.SUSPECTED: Outcome.UNCERTAIN,
}
# A refund (tranPipe action 2) answers like a payment; some terminals answer SUCCESS.
REFUND_OUTCOMES = {**PAYMENT_OUTCOMES, protocol.InquiryResult.SUCCESS: Outcome.APPROVED}
CURRENCIES = {protocol.CURRENCY_KWD: "KWD"}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnetConfig:
    url: str
    tranportal_id: str = field(repr=False)
    password: str = field(repr=False)
    resource_key: str = field(repr=False)
    timeout: float = 10.0
    circuit_fail_max: int = 5
    circuit_reset_seconds: float = 30.0

    def secrets(self) -> tuple[str, str, str]:
        return self.tranportal_id, self.password, self.resource_key


def knet_config() -> KnetConfig:
    raw = dict(getattr(settings, "KNET", {}))
    missing = [k for k in ("URL", "TRANPORTAL_ID", "PASSWORD", "RESOURCE_KEY") if not raw.get(k)]
    if missing:
        raise ImproperlyConfigured(f"settings.KNET lacks {', '.join(missing)}")
    if len(raw["RESOURCE_KEY"].encode()) != 16:
        raise ImproperlyConfigured("settings.KNET['RESOURCE_KEY'] must be 16 characters")
    return KnetConfig(
        url=raw["URL"],
        tranportal_id=str(raw["TRANPORTAL_ID"]),
        password=str(raw["PASSWORD"]),
        resource_key=str(raw["RESOURCE_KEY"]),
        timeout=float(raw.get("TIMEOUT", 10)),
        circuit_fail_max=int(raw.get("CIRCUIT_FAIL_MAX", 5)),
        circuit_reset_seconds=float(raw.get("CIRCUIT_RESET_SECONDS", 30)),
    )


class Circuit:
    """One per process: after ``fail_max`` failed server-to-server calls in a row, calls fail at
    once for ``reset_seconds`` and new payers are not sent to the gateway; then one call is
    let through, and a success closes the circuit again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.failures = 0
        self.opened_at: float | None = None

    def closed(self, reset_seconds: float) -> bool:
        with self._lock:
            return self.opened_at is None or time.monotonic() - self.opened_at >= reset_seconds

    def success(self) -> None:
        with self._lock:
            self.reset()

    def failure(self, fail_max: int) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= fail_max:
                self.opened_at = time.monotonic()


circuit = Circuit()
_client = httpx.Client(headers={"User-Agent": "iqama-knet-client"})


class KnetGateway:
    name = "knet"

    def __init__(self, config: KnetConfig):
        self.config = config

    @classmethod
    def from_settings(cls) -> KnetGateway:
        return cls(knet_config())

    def available(self) -> bool:
        return circuit.closed(self.config.circuit_reset_seconds)

    # -- the payer's way there ---------------------------------------------------------------

    def redirect_url(self, data: PaymentData) -> str:
        c = self.config
        plain = protocol.encode_pairs(
            protocol.purchase_pairs(
                tranportal_id=c.tranportal_id,
                password=c.password,
                amount=data.amount,
                track_id=data.track_id,
                language=data.language,
                response_url=data.response_url,
                error_url=data.error_url,
                udf=(data.application_ref, data.payment_ref, data.currency, "", ""),
            )
        )
        return protocol.payment_page_url(
            c.url,
            trandata=crypto.encrypt(plain, c.resource_key),
            tranportal_id=c.tranportal_id,
            response_url=data.response_url,
            error_url=data.error_url,
        )

    # -- what KNET posts back ----------------------------------------------------------------

    def read_callback(self, posted: dict[str, str]) -> GatewayResponse:
        trandata = posted.get("trandata", "")
        if not trandata:
            if posted.get("Error") or posted.get("ErrorText"):
                return _error_response("callback", posted)
            raise InvalidGatewayMessage(
                "neither trandata nor an error", track_id=posted.get("trackid", "")
            )
        return self._decrypted("callback", posted, trandata)

    def read_error_redirect(self, query: dict[str, str]) -> GatewayResponse:
        if query.get("trandata"):
            return self._decrypted("error", query, query["trandata"])
        return _error_response("error", query)

    def _decrypted(self, kind: str, posted: dict[str, str], trandata: str) -> GatewayResponse:
        claimed = posted.get("trackid", "")
        try:
            decrypted = protocol.decode_pairs(crypto.decrypt(trandata, self.config.resource_key))
        except (crypto.InvalidTrandata, ValueError) as exc:
            raise InvalidGatewayMessage(
                f"trandata cannot be read: {exc}", track_id=claimed, fields=posted
            ) from exc
        fields = {**posted, **decrypted}
        result = decrypted.get("result", "")
        if result not in set(protocol.Result):
            raise InvalidGatewayMessage("no known result", track_id=claimed, fields=fields)
        track_id = decrypted.get("trackid", "") or claimed
        if claimed and decrypted.get("trackid") and decrypted["trackid"] != claimed:
            raise InvalidGatewayMessage(
                "the posted and encrypted track ids differ", track_id=claimed, fields=fields
            )
        posted_id, encrypted_id = posted.get("paymentid", ""), decrypted.get("paymentid", "")
        payment_id = encrypted_id or posted_id
        if posted_id and encrypted_id and posted_id != encrypted_id:
            raise InvalidGatewayMessage(
                "the posted and encrypted payment ids differ", track_id=claimed, fields=fields
            )
        try:
            amount = protocol.parse_amount(decrypted.get("amt"))
        except ValueError as exc:
            raise InvalidGatewayMessage(str(exc), track_id=claimed, fields=fields) from exc
        return GatewayResponse(
            kind=kind,
            outcome=PAYMENT_OUTCOMES[protocol.Result(result)],
            result=result,
            track_id=track_id,
            payment_ref=decrypted.get("udf2", ""),
            currency=_currency(decrypted),
            payment_id=payment_id,
            amount=amount,
            transaction_id=decrypted.get("tranid", ""),
            reference=decrypted.get("ref", ""),
            auth_code=decrypted.get("auth", ""),
            post_date=decrypted.get("postdate", ""),
            error_code=decrypted.get("Error", "") or posted.get("Error", ""),
            error_text=decrypted.get("ErrorText", "") or posted.get("ErrorText", ""),
            fields=fields,
        )

    # -- server to server ---------------------------------------------------------------------

    def inquire(self, *, track_id: str, amount: Decimal) -> GatewayResponse:
        fields = self._pipe(
            [
                ("id", self.config.tranportal_id),
                ("password", self.config.password),
                ("action", protocol.ACTION_INQUIRY),
                ("amt", protocol.amount_text(amount)),
                ("transid", track_id),
                ("trackid", track_id),
                ("udf5", protocol.INQUIRE_BY_TRACK_ID),
            ]
        )
        return _pipe_response("inquiry", fields, INQUIRY_OUTCOMES)

    def refund(self, *, track_id: str, transaction_id: str, amount: Decimal) -> GatewayResponse:
        fields = self._pipe(
            [
                ("id", self.config.tranportal_id),
                ("password", self.config.password),
                ("action", protocol.ACTION_REFUND),
                ("amt", protocol.amount_text(amount)),
                ("transid", transaction_id),
                ("trackid", track_id),
            ]
        )
        return _pipe_response("refund", fields, REFUND_OUTCOMES)

    def _pipe(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        c = self.config
        url = protocol.tran_pipe_url(c.url)
        if not circuit.closed(c.circuit_reset_seconds):
            raise GatewayUnavailable("KNET: circuit open after repeated failures")
        try:
            response = _client.post(
                url,
                content=protocol.xml_fragments(pairs),
                headers={"Content-Type": "application/xml"},
                timeout=c.timeout,
            )
        except httpx.HTTPError as exc:
            circuit.failure(c.circuit_fail_max)
            logger.warning("KNET tranPipe unreachable: %s", type(exc).__name__)
            raise GatewayUnavailable(f"KNET unreachable ({type(exc).__name__})") from exc
        if response.status_code != 200:
            circuit.failure(c.circuit_fail_max)
            logger.warning("KNET tranPipe answered HTTP %s", response.status_code)
            raise GatewayUnavailable(f"KNET answered HTTP {response.status_code}")
        fields = protocol.parse_xml_fragments(response.text)
        if not fields.get("result"):
            circuit.failure(c.circuit_fail_max)
            raise GatewayUnavailable("KNET answered without a result")
        circuit.success()
        return fields


def _currency(fields: dict[str, str]) -> str:
    if fields.get("currencycode"):
        return CURRENCIES.get(fields["currencycode"], fields["currencycode"])
    return fields.get("udf3", "")


def _error_response(kind: str, fields: dict[str, str]) -> GatewayResponse:
    """An error report in plain text (``Error``/``ErrorText``): anyone could post it, so it
    can only make us ask KNET."""
    return GatewayResponse(
        kind=kind,
        outcome=Outcome.ERROR,
        result=protocol.ERROR,
        authenticated=False,
        track_id=fields.get("trackid", ""),
        payment_id=fields.get("paymentid", ""),
        error_code=fields.get("Error", ""),
        error_text=fields.get("ErrorText", ""),
        fields=dict(fields),
    )


def _pipe_response(
    kind: str, fields: dict[str, str], outcomes: dict[str, Outcome]
) -> GatewayResponse:
    error = protocol.error_of(fields)
    if error:
        return GatewayResponse(
            kind=kind,
            outcome=Outcome.ERROR,
            result=protocol.ERROR,
            track_id=fields.get("trackid", ""),
            error_code=error[0],
            error_text=error[1],
            fields=fields,
        )
    try:
        amount = protocol.parse_amount(fields.get("amt"))
    except ValueError:
        amount = None
    result = fields.get("result", "")
    return GatewayResponse(
        kind=kind,
        outcome=outcomes.get(result, Outcome.UNCERTAIN),
        result=result,
        track_id=fields.get("trackid", ""),
        payment_id=fields.get("payid", "") or fields.get("paymentid", ""),
        amount=amount,
        transaction_id=fields.get("tranid", ""),
        reference=fields.get("ref", ""),
        auth_code=fields.get("auth", ""),
        post_date=fields.get("postdate", ""),
        fields=fields,
    )


def reset_circuit() -> None:
    """Forget past failures (tests; an operator once KNET is back)."""
    circuit.success()
