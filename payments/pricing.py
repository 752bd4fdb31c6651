"""What each person pays: the one answer, for the quote, the amounts shown while the agencies
check, and so the receipt.

The kind of application says what each person is charged for (``Kind.charges``: the residency
fee for an article and a number of months, health cover, the fines an agency found); the
published schedule (``FeeRate`` rows, data with effective dates, changed in the admin) says how
much:

- the residency fee is charged per year *or part of a year* (13 months pay two years), at the
  most specific rate in force for the permit's article, the person's relation to the sponsor
  and the article of the sponsor's own residency (a rate naming the sponsor's article beats one
  naming the relation, which beats a general one);
- health cover is charged pro rata by month at the schedule's yearly fee;
- fines are what the fines agency says is owed.

A person whose residency fee the schedule lacks cannot be priced (``missing``): the application
is not offered a quote until the schedule has the rate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.applications.kinds import Charge, ChargeKind, kind_of
from core.applications.models import ApplicationItem
from core.models import Dependent, ResidencyPermit
from payments.models import FeeKind, FeeRate

FILS = Decimal("0.001")
ZERO = Decimal("0.000")


@dataclass(frozen=True)
class PricedLine:
    item: ApplicationItem
    kind: ChargeKind
    amount: Decimal
    description_en: str
    description_ar: str
    months: int | None = None
    annual: Decimal | None = None
    rate: FeeRate | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Prices:
    lines: list[PricedLine]
    missing: list[ApplicationItem]  # people whose residency fee the schedule lacks

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def rates_on(day: dt.date) -> list[FeeRate]:
    return list(
        FeeRate.objects.filter(effective_from__lte=day).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gt=day)
        )
    )


def _specificity(rate: FeeRate) -> tuple:
    return (rate.sponsor_article is not None, bool(rate.relation), rate.effective_from, rate.pk)


def residency_rate(
    rates: Iterable[FeeRate], *, article: int, relation: str, sponsor_article: int | None
) -> FeeRate | None:
    matching = [
        r
        for r in rates
        if r.kind == FeeKind.RESIDENCY
        and r.article == article
        and r.relation in ("", relation)
        and r.sponsor_article in (None, sponsor_article)
    ]
    return max(matching, key=_specificity, default=None)


def health_rate(rates: Iterable[FeeRate]) -> FeeRate | None:
    matching = [r for r in rates if r.kind == FeeKind.HEALTH_INSURANCE]
    return max(matching, key=_specificity, default=None)


def years_charged(months: int) -> int:
    return max(1, math.ceil(months / 12))


def residency_amount(annual: Decimal, months: int) -> Decimal:
    return (annual * years_charged(months)).quantize(FILS)


def health_amount(annual: Decimal, months: int) -> Decimal:
    return (annual * months / 12).quantize(FILS)


@dataclass(frozen=True)
class _Standing:
    """Who the person is to the sponsor: what the residency rates are keyed by."""

    relation: str
    sponsor_article: int | None


def _standings(items: list[ApplicationItem]) -> dict[int, _Standing]:
    """Each item's relation and sponsor's article, in two queries whatever their number."""
    sponsors = {item.application.sponsor_id for item in items}
    relations = {
        (sponsor_id, person_id): relation
        for sponsor_id, person_id, relation in Dependent.objects.filter(
            sponsor_id__in=sponsors,
            person_id__in={item.person_id for item in items},
            ended_on__isnull=True,
        ).values_list("sponsor_id", "person_id", "relation")
    }
    heads = {item.application.sponsor.person_id for item in items} - {None}
    sponsor_articles: dict[int, int] = {}
    for holder_id, article in (
        ResidencyPermit.objects.filter(holder_id__in=heads, cancelled_at__isnull=True)
        .order_by("holder_id", "-expires_on")
        .values_list("holder_id", "article")
    ):
        sponsor_articles.setdefault(holder_id, article)
    return {
        item.pk: _Standing(
            relations.get((item.application.sponsor_id, item.person_id), ""),
            sponsor_articles.get(item.application.sponsor.person_id),
        )
        for item in items
    }


def _line(item: ApplicationItem, charge: Charge, rates: list[FeeRate], standing: _Standing):
    """The priced line of one charge; None when the schedule has no rate for it."""
    months = charge.months or 0
    if charge.kind == ChargeKind.RESIDENCY_FEE:
        rate = residency_rate(
            rates,
            article=charge.article,
            relation=standing.relation,
            sponsor_article=standing.sponsor_article,
        )
        if rate is None:
            return None
        years = years_charged(months)
        annual = f"{rate.annual_amount:.3f}"
        return PricedLine(
            item,
            charge.kind,
            residency_amount(rate.annual_amount, months),
            f"Residency fee, Art. {charge.article}: {years} year(s) at KD {annual} a year",
            f"رسم الإقامة، المادة {charge.article}: {years} سنة بواقع {annual} د.ك سنوياً",
            months=months,
            annual=rate.annual_amount,
            rate=rate,
            detail={"annual": annual, "years": years},
        )
    if charge.kind == ChargeKind.HEALTH_INSURANCE:
        rate = health_rate(rates)
        if rate is None:
            return None
        return PricedLine(
            item,
            charge.kind,
            health_amount(rate.annual_amount, months),
            f"Health insurance for {months} months",
            f"الضمان الصحي لمدة {months} شهراً",
            months=months,
            annual=rate.annual_amount,
            rate=rate,
        )
    count = len(charge.references)
    return PricedLine(
        item,
        charge.kind,
        (charge.owed or ZERO).quantize(FILS),
        f"Unpaid fines ({count})",
        f"مخالفات غير مدفوعة ({count})",
        detail={"references": list(charge.references)},
    )


def price_items(items: Iterable[ApplicationItem], day: dt.date | None = None) -> Prices:
    """The prices of these items on ``day`` (today): prefetch ``checks`` and select
    ``application__sponsor`` and ``permit``, and it costs three queries whatever their number."""
    day = day or timezone.localdate()
    items = list(items)
    rates = rates_on(day) if items else []
    standings = _standings(items) if items else {}
    lines: list[PricedLine] = []
    missing: list[ApplicationItem] = []
    for item in items:
        for charge in kind_of(item.application).charges(item, day):
            line = _line(item, charge, rates, standings[item.pk])
            if line is None:
                if charge.kind == ChargeKind.RESIDENCY_FEE:
                    missing.append(item)
                continue
            if line.amount:
                lines.append(line)
    return Prices(lines, missing)
