"""Quotes: the itemised amount an application is offered, kept until it expires.

A quote keeps ``payments.pricing``'s lines for the people still in the application, at the
schedule in force the day it is issued, for ``PAYMENTS["QUOTE_MINUTES"]``: a change of the
schedule meanwhile does not touch it. It belongs to one round of the application awaiting
payment (``payment_round``); if the application goes back (a document asked for, say) and
returns, it is priced again. The payment stage of the pipeline (``QuoteStage``) issues the
first quote of a round, as the application starts awaiting payment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from core.applications.models import Application, ApplicationItem
from core.applications.states import GONE_ITEM_STATES, State
from core.errors import DomainError, DomainErrors
from core.law.rules import Law
from payments.errors import PaymentErrorCode
from payments.models import Quote, QuoteLine
from payments.pricing import price_items


def quote_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=float(settings.PAYMENTS["QUOTE_MINUTES"]))


def current_quote(application: Application) -> Quote | None:
    """The latest quote of the application's current round, expired or not."""
    return (
        application.quotes.filter(payment_round=application.payment_round)
        .order_by("-issued_at", "-id")
        .first()
    )


def live_items(application: Application) -> list[ApplicationItem]:
    return list(
        application.items.exclude(state__in=GONE_ITEM_STATES)
        .select_related("person", "permit", "application__sponsor__person")
        .prefetch_related("checks")
    )


def quote_issue(application: Application, *, now: dt.datetime | None = None) -> Quote:
    """Price the application now and keep the quote; the amount due follows it."""
    now = now or timezone.now()
    prices = price_items(live_items(application), Law(timezone.localdate(now)))
    if prices.missing:
        raise DomainErrors(
            DomainError(
                PaymentErrorCode.NO_FEE_RATE,
                f"people.{item.person_id}",
                {"article": item.article or "—"},
            )
            for item in prices.missing
        )
    quote = Quote.objects.create(
        application=application,
        total=prices.total,
        issued_at=now,
        expires_at=now + quote_lifetime(),
        payment_round=application.payment_round,
    )
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            item=line.item,
            person_id=line.item.person_id,
            kind=line.kind,
            description_en=line.description_en,
            description_ar=line.description_ar,
            months=line.months,
            rate_amount=line.rate_amount,
            rate_per=line.per or "",
            fee_rate=line.rate,
            amount=line.amount,
            detail=line.detail,
        )
        for line in prices.lines
    )
    if application.amount_due != quote.total:
        application.amount_due = quote.total
        application.save(update_fields=["amount_due"])
    return quote


class QuoteStage:
    """The pipeline's payment stage (``core.applications.progress.PaymentStage``)."""

    def quote(self, application: Application) -> Decimal | None:
        try:
            return quote_issue(application).total
        except DomainErrors:  # a rate is missing: paying says so, the department is told
            return None


def require_awaiting_payment(application: Application) -> None:
    if application.state != State.AWAITING_PAYMENT:
        raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})


def lines_by_person(lines: Iterable[QuoteLine]) -> dict[int, list[QuoteLine]]:
    grouped: dict[int, list[QuoteLine]] = defaultdict(list)
    for line in lines:
        grouped[line.person_id].append(line)
    return grouped
