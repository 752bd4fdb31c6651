"""GraphQL types of payments; visible to those who may see the application
(``payments.selectors.visible_payments``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.types import Info

from core.applications.selectors import visible_applications
from payments import models
from payments.errors import PaymentErrorCode
from payments.quotes import lines_by_person
from payments.receipts.views import download_path
from payments.selectors import visible_payments
from schema.applications.types import Application, ChargeKindEnum
from schema.core.types import Person
from schema.errors import Error
from schema.model_types import model_type

PaymentStatusEnum = strawberry.enum(models.PaymentStatus, name="PaymentStatus")
PaymentErrorCodeEnum = strawberry.enum(PaymentErrorCode, name="PaymentErrorCode")
FeePerEnum = strawberry.enum(models.FeePer, name="FeePer")


@strawberry.type
class PaymentError(Error):
    code: PaymentErrorCodeEnum


@model_type(models.QuoteLine, name="QuoteLine", description="One charge for one person (KWD).")
class QuoteLine:
    person: Person
    description_en: auto
    description_ar: auto
    months: auto
    rate_amount: auto = strawberry_django.field(
        description="The schedule's rate this line was charged at, per ``ratePer``."
    )
    amount: auto

    @strawberry_django.field(
        only=["rate_amount", "rate_per"],
        deprecation_reason="Rates are not all yearly: use rateAmount and ratePer.",
    )
    def annual_rate(self, root: models.QuoteLine) -> Decimal | None:
        return root.rate_amount if root.rate_per == models.FeePer.YEAR else None

    @strawberry_django.field(only=["rate_per"])
    def rate_per(self, root: models.QuoteLine) -> FeePerEnum | None:
        return FeePerEnum(root.rate_per) if root.rate_per else None

    @strawberry_django.field(only=["kind"])
    def kind(self, root: models.QuoteLine) -> ChargeKindEnum:
        return ChargeKindEnum(root.kind)


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
    application: Application
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
    application: Application
    quote: Quote
    events: list[PaymentEvent] = strawberry_django.field()

    @strawberry_django.field(select_related=["receipt"])
    def receipt(self, root: models.Payment) -> Receipt | None:
        return getattr(root, "receipt", None)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_payments(info.context.user).values("pk"))
