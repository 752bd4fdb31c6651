"""What each person pays: the one answer, for the preview, the quote, the amounts shown while
the agencies check, and so the receipt.

The kind of application says what each person is charged for (``Kind.charges``: a residency
fee for an article and a number of months, health cover, the fines an agency found, an overstay
fine, a visit fee, a transfer fee); the published schedule (``FeeRate`` rows, data with
effective dates, changed in the admin) and the law (``core.law``: overstay fines) say how much:

- the residency fee is charged per year *or part of a year* (13 months pay two years), or per
  month where the schedule says so (temporary residence), at the most specific rate in force
  for the article, the person's relation to the sponsor, the sponsor's household (Kuwaiti or
  expatriate) and the article of the sponsor's own residency;
- health cover is charged pro rata by month at the schedule's yearly fee;
- a visit is charged per month; a transfer once and per complete year with the sponsor left;
- fines are what the fines agency says is owed; an overstay fine is the law's daily rates for
  the days past expiry, up to its cap.

A person whose residency, visit or transfer fee the schedule lacks cannot be priced
(``missing``): the application is not offered a quote until the schedule has the rate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from core.applications.kinds import Charge, ChargeKind, Facts, Found, kind_of
from core.applications.models import FINISHED_CHECKS, ApplicationItem
from core.law.rules import Law
from core.models import ResidencyPermit, Sponsor
from payments.models import FeeKind, FeePer, FeeRate, Household

FILS = Decimal("0.001")
ZERO = Decimal("0.000")

# Charges the schedule must price, else the person cannot be quoted.
SCHEDULED = frozenset({ChargeKind.RESIDENCY_FEE, ChargeKind.VISIT_FEE, ChargeKind.TRANSFER_FEE})


@dataclass(frozen=True)
class PricedLine:
    item: ApplicationItem
    kind: ChargeKind
    amount: Decimal
    description_en: str
    description_ar: str
    months: int | None = None
    rate_amount: Decimal | None = None
    per: str | None = None
    rate: FeeRate | None = None
    detail: dict = field(default_factory=dict)
    provisional: bool = False


@dataclass(frozen=True)
class Prices:
    lines: list[PricedLine]
    missing: list[ApplicationItem]  # people whose scheduled fee the schedule lacks

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
    return (
        rate.sponsor_article is not None,
        bool(rate.household),
        bool(rate.relation),
        rate.effective_from,
        rate.pk,
    )


@dataclass(frozen=True)
class Standing:
    """Who the person is to the sponsor: what rates are keyed by."""

    relation: str
    household: str
    sponsor_article: int | None


def matching_rates(
    rates: Iterable[FeeRate],
    kind: FeeKind,
    standing: Standing,
    *,
    article: int | None = None,
    from_article: int | None = None,
) -> list[FeeRate]:
    """The most specific rate for each ``per`` (a transfer has a once and a yearly part)."""
    matching = [
        r
        for r in rates
        if r.kind == kind
        and r.article == article
        and r.from_article == from_article
        and r.relation in ("", standing.relation)
        and r.household in ("", standing.household)
        and r.sponsor_article in (None, standing.sponsor_article)
    ]
    best: dict[str, FeeRate] = {}
    for rate in sorted(matching, key=_specificity):
        best[rate.per] = rate
    return list(best.values())


def health_rate(rates: Iterable[FeeRate]) -> FeeRate | None:
    matching = [r for r in rates if r.kind == FeeKind.HEALTH_INSURANCE]
    return max(matching, key=_specificity, default=None)


def years_charged(months: int) -> int:
    return max(1, math.ceil(months / 12))


def health_amount(annual: Decimal, months: int) -> Decimal:
    return (annual * months / 12).quantize(FILS)


def household_of(sponsor: Sponsor) -> str:
    if sponsor.person_id is None:
        return ""
    return Household.KUWAITI if sponsor.person.is_kuwaiti else Household.EXPATRIATE


def _standings(items: list[ApplicationItem]) -> dict[int, Standing]:
    """Each item's standing, by its place in ``items``, in one query whatever their number."""
    heads = {item.application.sponsor.person_id for item in items} - {None}
    sponsor_articles: dict[int, int] = {}
    for holder_id, article in (
        ResidencyPermit.objects.filter(holder_id__in=heads, cancelled_at__isnull=True)
        .order_by("holder_id", "-expires_on")
        .values_list("holder_id", "article")
    ):
        sponsor_articles.setdefault(holder_id, article)
    return {
        index: Standing(
            item.relation,
            household_of(item.application.sponsor),
            sponsor_articles.get(item.application.sponsor.person_id),
        )
        for index, item in enumerate(items)
    }


def _scheduled_line(item: ApplicationItem, charge: Charge, rate: FeeRate) -> PricedLine:
    months = charge.months or 0
    amount_text = f"{rate.amount:.3f}"
    if charge.kind == ChargeKind.TRANSFER_FEE:
        if rate.per == FeePer.YEAR_OF_SERVICE:
            years = charge.years_of_service or 0
            return PricedLine(
                item,
                charge.kind,
                (rate.amount * years).quantize(FILS),
                f"Transfer fee: {years} year(s) of service at KD {amount_text}",
                f"رسم التحويل: {years} سنة خدمة بواقع {amount_text} د.ك",
                rate_amount=rate.amount,
                per=rate.per,
                rate=rate,
                detail={"years_of_service": years},
            )
        return PricedLine(
            item,
            charge.kind,
            rate.amount.quantize(FILS),
            f"Transfer fee, Art. {charge.from_article} to Art. {charge.article}",
            f"رسم التحويل من المادة {charge.from_article} إلى المادة {charge.article}",
            rate_amount=rate.amount,
            per=rate.per,
            rate=rate,
        )
    if rate.per == FeePer.MONTH:
        what_en = "Visit fee" if charge.kind == ChargeKind.VISIT_FEE else "Residency fee"
        what_ar = "رسم الزيارة" if charge.kind == ChargeKind.VISIT_FEE else "رسم الإقامة"
        where_en = f", Art. {charge.article}" if charge.article else ""
        where_ar = f"، المادة {charge.article}" if charge.article else ""
        return PricedLine(
            item,
            charge.kind,
            (rate.amount * months).quantize(FILS),
            f"{what_en}{where_en}: {months} month(s) at KD {amount_text} a month",
            f"{what_ar}{where_ar}: {months} شهر بواقع {amount_text} د.ك شهرياً",
            months=months,
            rate_amount=rate.amount,
            per=rate.per,
            rate=rate,
            detail={"per_month": amount_text, "months": months},
        )
    years = years_charged(months) if rate.per == FeePer.YEAR else 1
    return PricedLine(
        item,
        charge.kind,
        (rate.amount * years).quantize(FILS),
        f"Residency fee, Art. {charge.article}: {years} year(s) at KD {amount_text} a year",
        f"رسم الإقامة، المادة {charge.article}: {years} سنة بواقع {amount_text} د.ك سنوياً",
        months=months,
        rate_amount=rate.amount,
        per=rate.per,
        rate=rate,
        detail={"annual": amount_text, "years": years},
    )


def _lines(
    item: ApplicationItem, charge: Charge, rates: list[FeeRate], standing: Standing, law: Law
) -> list[PricedLine] | None:
    """The priced lines of one charge; None when the schedule has no rate for it."""
    months = charge.months or 0
    if charge.kind in SCHEDULED:
        fee_kind = {
            ChargeKind.RESIDENCY_FEE: FeeKind.RESIDENCY,
            ChargeKind.VISIT_FEE: FeeKind.VISIT,
            ChargeKind.TRANSFER_FEE: FeeKind.TRANSFER,
        }[charge.kind]
        found = matching_rates(
            rates, fee_kind, standing, article=charge.article, from_article=charge.from_article
        )
        if not found:
            return None
        if charge.kind != ChargeKind.TRANSFER_FEE:  # one rate: the most specific of all
            found = [max(found, key=_specificity)]
        return [_scheduled_line(item, charge, rate) for rate in found]
    if charge.kind == ChargeKind.HEALTH_INSURANCE:
        rate = health_rate(rates)
        if rate is None:
            return None
        note_en = " (unless insured to its end)" if charge.provisional else ""
        note_ar = " (ما لم يكن مؤمناً حتى نهايتها)" if charge.provisional else ""
        return [
            PricedLine(
                item,
                charge.kind,
                health_amount(rate.amount, months),
                f"Health insurance for {months} months{note_en}",
                f"الضمان الصحي لمدة {months} شهراً{note_ar}",
                months=months,
                rate_amount=rate.amount,
                per=rate.per,
                rate=rate,
                provisional=charge.provisional,
            )
        ]
    if charge.kind == ChargeKind.OVERSTAY_FINE:
        days = charge.days or 0
        rule = law.overstay_rule(charge.category)
        return [
            PricedLine(
                item,
                charge.kind,
                law.overstay_fine(charge.category, days),
                f"Overstay fine: {days} day(s) past expiry",
                f"غرامة تجاوز مدة الإقامة: {days} يوماً بعد الانتهاء",
                detail={
                    "days": days,
                    "category": charge.category,
                    "legal_basis": rule.legal_basis if rule else "",
                },
            )
        ]
    count = len(charge.references)
    return [
        PricedLine(
            item,
            charge.kind,
            (charge.owed or ZERO).quantize(FILS),
            f"Unpaid fines ({count})",
            f"مخالفات غير مدفوعة ({count})",
            detail={"references": list(charge.references)},
        )
    ]


def found_by_checks(item: ApplicationItem) -> Facts:
    """What the finished checks of a saved item found (prefetch ``checks``)."""
    return {
        check.agency: Found(check.facts, check.amount)
        for check in item.checks.all()
        if check.status in FINISHED_CHECKS
    }


def _price(
    items: list[ApplicationItem], law: Law, facts_of: Callable[[ApplicationItem], Facts]
) -> Prices:
    rates = rates_on(law.day) if items else []
    standings = _standings(items) if items else {}
    lines: list[PricedLine] = []
    missing: list[ApplicationItem] = []
    fined: set[str] = set()  # a fine is owed once, however many items its agency named it on
    for index, item in enumerate(items):
        for charge in kind_of(item.application).charges(item, law, facts_of(item)):
            if charge.kind == ChargeKind.FINES and charge.references:
                if fined.issuperset(charge.references):
                    continue
                fined.update(charge.references)
            priced = _lines(item, charge, rates, standings[index], law)
            if priced is None:
                if charge.kind in SCHEDULED and item not in missing:
                    missing.append(item)
                continue
            lines += [line for line in priced if line.amount]
    return Prices(lines, missing)


def price_items(items: Iterable[ApplicationItem], law: Law | None = None) -> Prices:
    """The prices of saved items on ``law``'s day (today), from their checks' facts: prefetch
    ``checks``, select ``application__sponsor__person``, ``person`` and ``permit``, and it
    costs two queries whatever their number."""
    return _price(list(items), law or Law(), found_by_checks)


def price_unchecked(items: Iterable[ApplicationItem], law: Law) -> Prices:
    """The prices of items no agency has checked yet (a preview's unsaved items): what the
    agencies will say is left out, health cover is provisional."""
    return _price(list(items), law, lambda item: None)
