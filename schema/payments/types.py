"""GraphQL types of payments; visible to those who act for the application's sponsor and to
the back office (``payments.services.visible_payments``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.types import Info

from core.errors import DomainError, DomainErrors, PaymentErrorCode
from payments import models, services
from payments.quotes import lines_by_person
from payments.receipt_data import load_by_code
from payments.receipts import normalize_verification_code, public_summary
from payments.receipts.views import download_path
from schema.core.types import Person
from schema.errors import Error, pk_of, to_errors
from schema.model_types import model_type
from schema.renewals.types import ChargeKind, RenewalApplication, visible_applications

PaymentStatusEnum = strawberry.enum(models.PaymentStatus, name="PaymentStatus")
PaymentErrorCodeEnum = strawberry.enum(PaymentErrorCode, name="PaymentErrorCode")


@strawberry.type
class PaymentError(Error):
    code: PaymentErrorCodeEnum


@model_type(models.QuoteLine, name="QuoteLine", description="One charge for one person (KWD).")
class QuoteLine:
    person: Person
    description_en: auto
    description_ar: auto
    months: auto
    annual_rate: auto
    amount: auto

    @strawberry_django.field(only=["kind"])
    def kind(self, root: models.QuoteLine) -> ChargeKind:
        return ChargeKind(root.kind)


@strawberry.type(description="One person's charges in a quote.")
class QuotePerson:
    person: Person
    lines: list[QuoteLine]
    subtotal: Decimal


@model_type(
    models.Quote,
    name="Quote",
    description="The itemised amount of an application, kept until it expires (KWD).",
)
class Quote(relay.Node):
    total: auto
    issued_at: auto
    expires_at: auto
    application: RenewalApplication
    lines: list[QuoteLine] = strawberry_django.field()

    @strawberry_django.field(only=["expires_at"])
    def expired(self, root: models.Quote) -> bool:
        return root.expired()

    @strawberry.field
    def currency(self) -> str:
        return "KWD"

    # A prefetch of its own (``lines`` is prefetched by its field, maybe differently).
    @strawberry_django.field(
        prefetch_related=[
            Prefetch(
                "lines",
                queryset=models.QuoteLine.objects.select_related("person"),
                to_attr="lines_with_people",
            )
        ]
    )
    def people(self, root: models.Quote) -> list[QuotePerson]:
        lines = getattr(root, "lines_with_people", None)
        if lines is None:  # not planned by the optimizer (an object, not a queryset, resolved)
            lines = root.lines.select_related("person")
        grouped = lines_by_person(lines)
        return [
            QuotePerson(
                person=lines[0].person,
                lines=lines,
                subtotal=sum((line.amount for line in lines), Decimal("0.000")),
            )
            for lines in grouped.values()
        ]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        visible = visible_applications(info.context.user).values("pk")
        return queryset.filter(application__in=visible)


@model_type(models.Receipt, name="Receipt")
class Receipt:
    number: auto
    issued_at: auto
    verification_code: auto

    @strawberry_django.field(
        only=["id"],
        description="A short-lived signed link to the bilingual PDF. A receipt is reachable only "
        "through a payment you may see: the payer's sponsor and the back office.",
    )
    def download_url(self, root: models.Receipt, info: Info) -> str:
        return info.context.request.build_absolute_uri(download_path(root.pk))


@strawberry.type(description="What a receipt's verification code proves, without personal data.")
class ReceiptVerification:
    number: str
    issued_at: dt.datetime
    paid_at: dt.datetime
    total: Decimal
    knet_reference: str
    application_reference: str
    persons: int
    lines: int


@model_type(
    models.PaymentEvent,
    name="PaymentEvent",
    description="One entry of a payment's append-only ledger.",
)
class PaymentEvent:
    at: auto
    kind: auto
    source: auto
    status_before: auto
    status_after: auto
    amount: auto
    note: auto


@model_type(models.Payment, name="Payment")
class Payment(relay.Node):
    status: PaymentStatusEnum
    amount: auto
    currency: auto
    track_id: auto
    result: auto = strawberry_django.field(description="KNET's last word on it.")
    gateway_payment_id: auto = strawberry_django.field(description="KNET's payment id.")
    reference: auto = strawberry_django.field(description="KNET's reference number.")
    transaction_id: auto = strawberry_django.field(description="KNET's transaction id.")
    auth_code: auto
    refund_reason: auto
    created_at: auto
    captured_at: auto
    refunded_at: auto
    application: RenewalApplication
    quote: Quote
    events: list[PaymentEvent] = strawberry_django.field()

    @strawberry_django.field(select_related=["receipt"])
    def receipt(self, root: models.Payment) -> Receipt | None:
        return getattr(root, "receipt", None)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=services.visible_payments(info.context.user).values("pk"))


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
        "or a new one when it has none or it expired. Only for the sponsor and the back office."
    )
    def quote(self, info: Info, application_id: relay.GlobalID) -> QuoteResult:
        try:
            quote = services.payment_quote(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
            )
        except (DomainError, DomainErrors) as exc:
            return QuoteResult(errors=to_errors(exc, info, PaymentError))
        return QuoteResult(quote=quote)

    @strawberry_django.field(description="The payments of an application, newest first.")
    def application_payments(self, info: Info, application_id: relay.GlobalID) -> list[Payment]:
        pk = pk_of(application_id, "RenewalApplication")
        return list(services.visible_payments(info.context.user).filter(application_id=pk))
