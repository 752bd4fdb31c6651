"""Payment mutations: thin calls into ``payments`` with typed payload errors."""

from __future__ import annotations

from decimal import Decimal

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from payments.refunds import application_reject_after_payment
from payments.settle import payment_check
from payments.start import payment_start
from schema.applications.mutations import application_pk
from schema.applications.types import Application
from schema.errors import pk_of, run_domain, to_errors
from schema.payments.types import Payment, PaymentError, Quote


@strawberry.type
class StartPaymentPayload:
    payment: Payment | None = None
    redirect_url: str | None = strawberry.field(
        default=None, description="Send the payer here: the gateway's payment page."
    )
    quote: Quote | None = strawberry.field(
        default=None, description="What is paid; after QUOTE_EXPIRED, the new quote to review."
    )
    errors: list[PaymentError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    errors: list[PaymentError] = strawberry.field(default_factory=list)


@strawberry.type
class PaidApplicationPayload:
    application: Application | None = None
    errors: list[PaymentError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentMutation:
    @strawberry_django.mutation(
        description="Pay an application's quote through KNET. The same idempotency key gives "
        "the same payment; send the payer to redirectUrl."
    )
    def start_payment(
        self,
        info: Info,
        application_id: relay.GlobalID,
        idempotency_key: str,
        expected_amount: Decimal | None = None,
    ) -> StartPaymentPayload:
        """``expectedAmount``: the total the payer was shown (KWD); refused if the quote
        says otherwise."""
        started = payment_start(
            actor=info.context.user,
            application_id=application_pk(application_id),
            idempotency_key=idempotency_key,
            language=getattr(info.context, "language", "en"),
            expected_amount=expected_amount,
        )
        errors = [e for error in started.errors for e in to_errors(error, info, PaymentError)]
        return StartPaymentPayload(
            payment=started.payment,
            redirect_url=started.redirect_url,
            quote=started.quote,
            errors=errors,
        )

    @strawberry_django.mutation(
        description="Ask the gateway for the outcome of a payment now (instead of waiting)."
    )
    def check_payment(self, info: Info, payment_id: relay.GlobalID) -> PaymentPayload:
        payment, errors = run_domain(
            info,
            PaymentError,
            lambda: payment_check(actor=info.context.user, payment_id=pk_of(payment_id, "Payment")),
        )
        return PaymentPayload(payment=payment, errors=errors)

    @strawberry_django.mutation(
        description="Back office: reject a paid application that cannot be issued; its "
        "payment is refunded."
    )
    def reject_paid_application(
        self, info: Info, application_id: relay.GlobalID, reason: str
    ) -> PaidApplicationPayload:
        return _reject(info, application_id, reason)

    @strawberry_django.mutation(
        deprecation_reason="Use rejectPaidApplication, for any application."
    )
    def reject_paid_renewal(
        self, info: Info, application_id: relay.GlobalID, reason: str
    ) -> PaidApplicationPayload:
        return _reject(info, application_id, reason)


def _reject(info: Info, application_id: relay.GlobalID, reason: str) -> PaidApplicationPayload:
    application, errors = run_domain(
        info,
        PaymentError,
        lambda: application_reject_after_payment(
            actor=info.context.user,
            application_id=application_pk(application_id),
            reason=reason,
        ),
    )
    return PaidApplicationPayload(application=application, errors=errors)
