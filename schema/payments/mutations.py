"""Payment mutations: thin calls into ``payments.services`` with typed payload errors."""

from __future__ import annotations

from decimal import Decimal

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.errors import DomainError, DomainErrors
from payments import services
from schema.errors import pk_of, run_domain, to_errors
from schema.payments.types import Payment, PaymentError, Quote
from schema.renewals.types import RenewalApplication


@strawberry.type
class StartPaymentPayload:
    payment: Payment | None = None
    redirect_url: str | None = strawberry.field(
        default=None, description="Send the payer here: KNET's payment page."
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
class PaidRenewalPayload:
    application: RenewalApplication | None = None
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
        try:
            started = services.payment_start(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
                idempotency_key=idempotency_key,
                language=getattr(info.context, "language", "en"),
                expected_amount=expected_amount,
            )
        except (services.QuoteExpired, services.AmountMismatch) as exc:
            return StartPaymentPayload(quote=exc.quote, errors=to_errors(exc, info, PaymentError))
        except services.PaymentInProgress as exc:
            return StartPaymentPayload(
                payment=exc.payment,
                redirect_url=services.redirect_url(exc.payment),
                quote=exc.payment.quote,
                errors=to_errors(exc, info, PaymentError),
            )
        except (DomainError, DomainErrors) as exc:
            return StartPaymentPayload(errors=to_errors(exc, info, PaymentError))
        return StartPaymentPayload(
            payment=started.payment,
            redirect_url=started.redirect_url,
            quote=started.payment.quote,
        )

    @strawberry_django.mutation(
        description="Ask KNET for the outcome of a payment now (instead of waiting)."
    )
    def check_payment(self, info: Info, payment_id: relay.GlobalID) -> PaymentPayload:
        payment, errors = run_domain(
            info,
            PaymentError,
            lambda: services.payment_check(
                actor=info.context.user, payment_id=pk_of(payment_id, "Payment")
            ),
        )
        return PaymentPayload(payment=payment, errors=errors)

    @strawberry_django.mutation(
        description="Back office: reject a paid application that cannot be issued; its "
        "payment is refunded through KNET."
    )
    def reject_paid_renewal(
        self, info: Info, application_id: relay.GlobalID, reason: str
    ) -> PaidRenewalPayload:
        application, errors = run_domain(
            info,
            PaymentError,
            lambda: services.application_reject_after_payment(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
                reason=reason,
            ),
        )
        return PaidRenewalPayload(application=application, errors=errors)
