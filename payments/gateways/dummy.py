"""An in-process gateway for tests that are about paying, not about KNET.

Nothing leaves the process. A test decides what the payer does (``DummyGateway.approve``,
``decline``) and what the gateway says when asked; the payer's "page" is a URL that only
names the payment. A callback is the dict ``callback(track_id)`` gives. The ``kind`` of every
answer, its amount and its fields are what a real gateway would give, so the facade runs its
real path. KNET's own protocol is tested against the local sandbox (``knet_sandbox``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from decimal import Decimal

from payments.gateway import (
    GatewayResponse,
    GatewayUnavailable,
    InvalidGatewayMessage,
    Outcome,
    PaymentData,
)


@dataclass
class _Payment:
    data: PaymentData
    outcome: Outcome = Outcome.UNCERTAIN  # the payer has not finished
    refunded: Decimal = Decimal("0.000")


class DummyGateway:
    name = "dummy"
    _lock = threading.Lock()
    _payments: dict[str, _Payment] = {}
    down = False

    @classmethod
    def from_settings(cls) -> DummyGateway:
        return cls()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls._payments.clear()
            cls.down = False

    @classmethod
    def approve(cls, track_id: str) -> dict[str, str]:
        """The payer pays; answers the callback the gateway would post."""
        return cls._settle(track_id, Outcome.APPROVED)

    @classmethod
    def decline(cls, track_id: str) -> dict[str, str]:
        return cls._settle(track_id, Outcome.DECLINED)

    @classmethod
    def _settle(cls, track_id: str, outcome: Outcome) -> dict[str, str]:
        with cls._lock:
            cls._payments[track_id].outcome = outcome
            data = cls._payments[track_id].data
        return {
            "track_id": track_id,
            "outcome": str(outcome),
            "amount": f"{data.amount:.3f}",
            "payment_ref": data.payment_ref,
            "currency": data.currency,
        }

    def available(self) -> bool:
        return not self.down

    def redirect_url(self, data: PaymentData) -> str:
        with self._lock:
            self._payments.setdefault(data.track_id, _Payment(data))
        return f"https://dummy.gateway.invalid/pay/{data.track_id}"

    def read_callback(self, posted: dict[str, str]) -> GatewayResponse:
        track_id = posted.get("track_id", "")
        with self._lock:
            known = self._payments.get(track_id)
        if known is None or posted.get("outcome") not in set(Outcome):
            raise InvalidGatewayMessage("not a dummy callback", track_id=track_id, fields=posted)
        return GatewayResponse(
            kind="callback",
            outcome=Outcome(posted["outcome"]),
            result=posted["outcome"],
            track_id=track_id,
            payment_ref=posted.get("payment_ref", ""),
            currency=posted.get("currency", ""),
            amount=Decimal(posted["amount"]) if posted.get("amount") else None,
            transaction_id=f"T{track_id}",
            reference=f"R{track_id}",
            fields=dict(posted),
        )

    def read_error_redirect(self, query: dict[str, str]) -> GatewayResponse:
        return replace(self.read_callback(query), kind="error")

    def inquire(self, *, track_id: str, amount: Decimal) -> GatewayResponse:
        if self.down:
            raise GatewayUnavailable("dummy gateway down")
        with self._lock:
            known = self._payments.get(track_id)
        outcome = known.outcome if known else Outcome.DECLINED
        return GatewayResponse(
            kind="inquiry",
            outcome=outcome,
            result=str(outcome),
            track_id=track_id,
            amount=known.data.amount if known else None,
            transaction_id=f"T{track_id}",
            reference=f"R{track_id}",
        )

    def refund(self, *, track_id: str, transaction_id: str, amount: Decimal) -> GatewayResponse:
        if self.down:
            raise GatewayUnavailable("dummy gateway down")
        with self._lock:
            known = self._payments.get(track_id)
            if known is None or known.outcome != Outcome.APPROVED:
                outcome = Outcome.ERROR
            else:
                known.refunded += amount
                outcome = Outcome.APPROVED
        return GatewayResponse(
            kind="refund",
            outcome=outcome,
            result=str(outcome),
            track_id=track_id,
            amount=amount,
            transaction_id=f"RF{track_id}",
        )
