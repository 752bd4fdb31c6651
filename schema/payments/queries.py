"""Read side of payments: an application's quote and payments, and the public receipt check."""

from __future__ import annotations

from dataclasses import fields

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from payments.receipt_data import load_by_code
from payments.receipts import normalize_verification_code, public_summary
from payments.selectors import visible_payments
from payments.start import payment_quote
from schema.applications.mutations import application_pk
from schema.errors import run_domain
from schema.payments.types import Payment, PaymentError, Quote, ReceiptVerification


@strawberry.type
class QuoteResult:
    quote: Quote | None = None
    errors: list[PaymentError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentQuery:
    @strawberry.field(
        description="Public: check a receipt by the code printed under its QR code. Null when "
        "no receipt has that code."
    )
    def verify_receipt(self, code: str) -> ReceiptVerification | None:
        canonical = normalize_verification_code(code)
        data = load_by_code(canonical) if canonical else None
        if data is None:
            return None
        summary = public_summary(data)
        return ReceiptVerification(**{f.name: getattr(summary, f.name) for f in fields(summary)})

    @strawberry.field(
        description="The application's quote, itemised per person and charge: the one it holds, "
        "or a new one when it has none or it expired. Only for those who may see it."
    )
    def quote(self, info: Info, application_id: relay.GlobalID) -> QuoteResult:
        quote, errors = run_domain(
            info,
            PaymentError,
            lambda: payment_quote(
                actor=info.context.user, application_id=application_pk(application_id)
            ),
        )
        return QuoteResult(quote=quote, errors=errors)

    @strawberry_django.field(description="The payments of an application, newest first.")
    def application_payments(self, info: Info, application_id: relay.GlobalID) -> list[Payment]:
        pk = application_pk(application_id)
        return list(visible_payments(info.context.user).filter(application_id=pk))
