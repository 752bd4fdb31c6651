"""The gateway interface: plain data in, plain data out, models never cross it.

A gateway builds the URL that sends the payer to its hosted page, reads what it posts back,
and answers inquiries and refunds server to server. ``payments.services`` is the only caller;
``gateway()`` gives the configured one (KNET: ``payments.gateways.knet``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class GatewayUnavailable(Exception):
    """The gateway did not answer usefully (network, timeout, 5xx, open circuit): try later.
    Nothing about the payment is known from it."""


class InvalidGatewayMessage(Exception):
    """What claims to come from the gateway cannot be trusted: undecryptable, malformed, or
    naming another payment. ``track_id`` is what the message claimed, for the log."""

    def __init__(self, reason: str, *, track_id: str = "", fields: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.track_id = track_id
        self.fields = fields or {}


@dataclass(frozen=True)
class PaymentData:
    """What the gateway needs to take a payment."""

    track_id: str
    amount: Decimal
    language: str  # "en" or "ar"
    response_url: str
    error_url: str
    udf: tuple[str, str, str, str, str] = ("", "", "", "", "")


@dataclass(frozen=True)
class GatewayResponse:
    """One answer from the gateway: a callback, an error redirect, an inquiry or a refund.

    ``result`` is the gateway's word (KNET: CAPTURED, NOT CAPTURED, CANCELED, HOST TIMEOUT for
    payments and refunds; SUCCESS, FAILURE, SUSPECTED for inquiries; ERROR when it answered
    with an error code). ``fields`` holds every field it returned, as returned.
    """

    kind: str  # "callback", "error", "inquiry", "refund"
    result: str
    track_id: str = ""
    payment_id: str = ""
    amount: Decimal | None = None
    transaction_id: str = ""
    reference: str = ""
    auth_code: str = ""
    post_date: str = ""
    error_code: str = ""
    error_text: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class Gateway(Protocol):
    name: str

    def available(self) -> bool:
        """False while recent calls failed (an open circuit): do not send payers there."""

    def redirect_url(self, data: PaymentData) -> str:
        """Where to send the payer."""

    def read_callback(self, posted: dict[str, str]) -> GatewayResponse:
        """The result the gateway posted to our response URL; raises InvalidGatewayMessage."""

    def read_error_redirect(self, query: dict[str, str]) -> GatewayResponse:
        """What the gateway put on the payer's way to our error URL (unauthenticated)."""

    def inquire(self, *, track_id: str, amount: Decimal) -> GatewayResponse:
        """The gateway's own record of a payment; raises GatewayUnavailable."""

    def refund(self, *, track_id: str, transaction_id: str, amount: Decimal) -> GatewayResponse:
        """Give money back; raises GatewayUnavailable."""


def gateway() -> Gateway:
    """The configured gateway (settings read at every call, so tests can change them)."""
    from payments.gateways.knet.client import KnetGateway, knet_config

    return KnetGateway(knet_config())
