"""Quotes: the itemised amount an application is offered, kept until it expires.

A quote prices the people still in the application, line by line (``core.renewals.fees``, at
the schedule in force the day it is issued), and lasts ``PAYMENTS["QUOTE_MINUTES"]``: a change
of the schedule meanwhile does not touch it. It belongs to one stay of the application in
"awaiting payment"; if the application goes back (a document asked for, say) and returns, it
is priced again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from core.errors import DomainError, DomainErrors, PaymentErrorCode
from core.renewals import fees
from core.renewals.models import ApplicationEvent, RenewalApplication, RenewalItem
from core.renewals.states import State
from payments.models import Quote, QuoteLine
from payments.schedule import FILS, Pricing, years_charged

DEFAULTS = {"QUOTE_MINUTES": 24 * 60}


def quote_lifetime() -> dt.timedelta:
    minutes = {**DEFAULTS, **getattr(settings, "PAYMENTS", {})}["QUOTE_MINUTES"]
    return dt.timedelta(minutes=float(minutes))


def basis_event_id(application: RenewalApplication) -> int | None:
    """The application's latest move into awaiting payment: what a valid quote must price."""
    return (
        ApplicationEvent.objects.filter(
            application=application, kind="transition", to_state=State.AWAITING_PAYMENT
        )
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def current_quote(application: RenewalApplication) -> Quote | None:
    """The latest quote of this stay in awaiting payment, expired or not."""
    basis = basis_event_id(application)
    if basis is None:
        return None
    return application.quotes.filter(basis_event_id=basis).order_by("-issued_at", "-id").first()


def live_items(application: RenewalApplication) -> list[RenewalItem]:
    return list(
        application.items.exclude(state__in=[State.REJECTED, State.CANCELLED])
        .select_related("person", "permit")
        .prefetch_related("checks")
    )


def _descriptions(kind: str, item: RenewalItem, article: int | None, extra: dict) -> tuple:
    if kind == "residency_fee":
        years = years_charged(item.months or 0)
        return (
            f"Residency fee, Art. {article}: {years} year(s) at KD {extra['annual']} a year",
            f"رسم الإقامة، المادة {article}: {years} سنة بواقع {extra['annual']} د.ك سنوياً",
        )
    if kind == "health_insurance":
        return (
            f"Health insurance for {item.months} months",
            f"الضمان الصحي لمدة {item.months} شهراً",
        )
    count = len(extra.get("references", []))
    return (f"Unpaid fines ({count})", f"مخالفات غير مدفوعة ({count})")


def _fine_references(item: RenewalItem) -> list[str]:
    for check in item.checks.all():
        if check.agency == "fines":
            return [f.get("reference", "") for f in check.facts.get("fines", [])]
    return []


def quote_issue(application: RenewalApplication, *, now: dt.datetime | None = None) -> Quote:
    """Price the application now and keep the quote; the amount due follows it."""
    now = now or timezone.now()
    basis = basis_event_id(application)
    if application.state != State.AWAITING_PAYMENT or basis is None:
        raise DomainError(PaymentErrorCode.WRONG_STATE, None, {"state": application.state})
    items = live_items(application)
    pricing = Pricing(items, day=timezone.localdate(now))
    missing = [
        DomainError(
            PaymentErrorCode.NO_FEE_RATE,
            f"people.{item.person_id}",
            {"article": item.permit.article},
        )
        for item in items
        if pricing.residency(item) is None
    ]
    if missing:
        raise DomainErrors(missing)
    lines: list[QuoteLine] = []
    for line in fees.amount_lines(items, pricing):
        item = line.item
        extra: dict = {}
        rate = annual = None
        months = item.months
        if line.kind == "residency_fee":
            priced = pricing.residency(item)
            rate, annual = priced.rate, priced.annual
            extra = {"annual": f"{annual:.3f}", "years": years_charged(item.months or 0)}
        elif line.kind == "health_insurance":
            cover = pricing.health(item)
            if cover is not None:
                rate, annual = cover.rate, cover.annual
        else:
            months = None
            extra = {"references": _fine_references(item)}
        en, ar = _descriptions(line.kind, item, pricing.article(item), extra)
        lines.append(
            QuoteLine(
                item=item,
                person=item.person,
                kind=line.kind,
                description_en=en,
                description_ar=ar,
                months=months,
                annual_rate=annual,
                fee_rate=rate,
                amount=line.amount.quantize(FILS),
                detail=extra,
            )
        )
    total = sum((line.amount for line in lines), fees.ZERO)
    quote = Quote.objects.create(
        application=application,
        total=total,
        issued_at=now,
        expires_at=now + quote_lifetime(),
        basis_event_id=basis,
    )
    for line in lines:
        line.quote = quote
    QuoteLine.objects.bulk_create(lines)
    if application.amount_due != total:
        application.amount_due = total
        application.save(update_fields=["amount_due"])
    return quote


def quote_for(application: RenewalApplication, *, now: dt.datetime | None = None) -> Quote:
    """The quote the application holds, or a new one if it has none or it expired."""
    now = now or timezone.now()
    quote = current_quote(application)
    if quote is not None and not quote.expired(now):
        return quote
    return quote_issue(application, now=now)


def lines_by_person(lines: Iterable[QuoteLine]) -> dict[int, list[QuoteLine]]:
    grouped: dict[int, list[QuoteLine]] = defaultdict(list)
    for line in lines:
        grouped[line.person_id].append(line)
    return grouped
