"""The gateway interface: plain data in, plain data out, models never cross it.

A gateway builds the URL that sends the payer to its hosted page, reads what it posts back,
and answers inquiries and refunds server to server. Each answer carries an ``Outcome`` — the
gateway's own words are the adapter's to read — and the fields as returned, for the ledger.
``gateway()`` gives the one ``PAYMENTS["GATEWAY"]`` names (KNET in production, the in-process
dummy in tests that are not about KNET); the facade (``payments.start``, ``payments.settle``,
``payments.refunds``) knows no gateway by name.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# The track ids we make (``payments.start.new_track_id``) and accept back.
TRACK_ID = re.compile(r"[A-Za-z0-9]{1,40}")


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


class Outcome(enum.StrEnum):
    APPROVED = "approved"  # the payment was captured, the refund was made
    DECLINED = "declined"  # the payer's bank or the payer said no, or gave up
    UNCERTAIN = "uncertain"  # the gateway does not know yet: ask again later
    ERROR = "error"  # the gateway refused the request itself (an error code)


# Outcomes a message the gateway authenticated reports: trusted to fail a payment.
FAILING = frozenset({Outcome.DECLINED})


@dataclass(frozen=True)
class PaymentData:
    """What the gateway needs to take a payment."""

    track_id: str
    amount: Decimal
    currency: str
    language: str  # "en" or "ar"
    response_url: str
    error_url: str
    payment_ref: str  # ours, echoed back: the payment's id
    application_ref: str  # ours, shown to the payer: the application's reference


@dataclass(frozen=True)
class GatewayResponse:
    """One answer from the gateway: a callback, an error redirect, an inquiry or a refund.

    ``authenticated``: the gateway proved it wrote this (KNET: encrypted with our key, or an
    answer to our own server-to-server call); an unauthenticated error report can only make us
    ask. ``result`` is the gateway's own word, kept for people and the ledger.
    """

    kind: str  # "callback", "error", "inquiry", "refund"
    outcome: Outcome
    result: str = ""
    authenticated: bool = True
    track_id: str = ""
    payment_ref: str = ""  # what the gateway echoed back as our payment's id
    currency: str = ""  # what the gateway says the currency was
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
        """What the gateway put on the payer's way to our error URL."""

    def inquire(self, *, track_id: str, amount: Decimal) -> GatewayResponse:
        """The gateway's own record of a payment; raises GatewayUnavailable."""

    def refund(self, *, track_id: str, transaction_id: str, amount: Decimal) -> GatewayResponse:
        """Give money back; raises GatewayUnavailable."""


def gateway() -> Gateway:
    """The configured gateway (settings read at every call, so tests can change them)."""
    return import_string(settings.PAYMENTS["GATEWAY"]).from_settings()
