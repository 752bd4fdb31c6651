"""The fee schedule applied: which rate applies to whom on a day, and what an item costs.

One place for the fee rules:

- the rates are ``FeeRate`` rows (data with effective dates, changed in the admin);
- the rate for a person is the most specific row in force that matches the permit's article,
  the person's relation to the sponsor and the article of the sponsor's own residency (a row
  naming the sponsor's article beats one naming the relation, which beats a general one);
- the residency fee is charged per year *or part of a year* renewed (13 months pay two
  years);
- health cover is charged pro rata by month, as the health check prices it
  (``eligibility.insurance_result``), at the schedule's yearly fee.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.models import Dependent, ResidencyPermit
from core.renewals.models import RenewalItem
from payments.models import FeeKind, FeeRate

FILS = Decimal("0.001")


@dataclass(frozen=True)
class Priced:
    amount: Decimal
    annual: Decimal
    rate: FeeRate
    months: int


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
class _ItemFacts:
    article: int
    relation: str
    sponsor_article: int | None
    months: int


class Pricing:
    """The prices of some renewal items on one day: a handful of queries whatever their
    number (the rates in force, the items' articles, relations and sponsors' articles)."""

    def __init__(self, items: Iterable[RenewalItem], day: dt.date | None = None):
        self.day = day or timezone.localdate()
        self.rates = rates_on(self.day)
        self._facts = _facts([item.pk for item in items])

    def residency(self, item: RenewalItem) -> Priced | None:
        facts = self._facts.get(item.pk)
        if facts is None:
            return None
        rate = residency_rate(
            self.rates,
            article=facts.article,
            relation=facts.relation,
            sponsor_article=facts.sponsor_article,
        )
        if rate is None:
            return None
        months = item.months or facts.months
        return Priced(
            residency_amount(rate.annual_amount, months), rate.annual_amount, rate, months
        )

    def health(self, item: RenewalItem) -> Priced | None:
        rate = health_rate(self.rates)
        if rate is None or not item.months:
            return None
        return Priced(
            health_amount(rate.annual_amount, item.months), rate.annual_amount, rate, item.months
        )

    def article(self, item: RenewalItem) -> int | None:
        facts = self._facts.get(item.pk)
        return facts.article if facts else None


def _facts(item_ids: list[int]) -> dict[int, _ItemFacts]:
    if not item_ids:
        return {}
    rows = list(
        RenewalItem.objects.filter(pk__in=item_ids).values(
            "pk",
            "months",
            "person_id",
            "permit__article",
            "application__sponsor_id",
            "application__sponsor__person_id",
        )
    )
    relations = {
        (sponsor_id, person_id): relation
        for sponsor_id, person_id, relation in Dependent.objects.filter(
            sponsor_id__in={r["application__sponsor_id"] for r in rows},
            person_id__in={r["person_id"] for r in rows},
            ended_on__isnull=True,
        ).values_list("sponsor_id", "person_id", "relation")
    }
    heads = {r["application__sponsor__person_id"] for r in rows} - {None}
    sponsor_articles: dict[int, int] = {}
    for holder_id, article in (
        ResidencyPermit.objects.filter(holder_id__in=heads, cancelled_at__isnull=True)
        .order_by("holder_id", "-expires_on")
        .values_list("holder_id", "article")
    ):
        sponsor_articles.setdefault(holder_id, article)
    return {
        r["pk"]: _ItemFacts(
            article=r["permit__article"],
            relation=relations.get((r["application__sponsor_id"], r["person_id"]), ""),
            sponsor_article=sponsor_articles.get(r["application__sponsor__person_id"]),
            months=r["months"] or 0,
        )
        for r in rows
    }
