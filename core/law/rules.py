"""What the law says on a day: the provisions in force then.

``Law(day)`` reads each table the first time it is asked about and answers from memory after
that, so one request, one preview or one submission reads a table once whatever the number of
people. What it read is also kept in the process for the next ``Law`` while the law's tables
are unchanged: each ``Law`` asks once (one statement, ``law_revision``) whether a row was
added, removed or saved since (the admin saves), so an edit applies to the next request in
every process. Law data is edited through the models: a bulk ``update()`` that does not set
``updated_at`` is not seen until the processes restart.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.articles import Article
from core.law.models import (
    ArticleTerm,
    CourtEffect,
    CourtFinding,
    LongResidency,
    OverstayCategory,
    OverstayFine,
    Provision,
    ResidencyGround,
    SalaryExemption,
    SalaryPurpose,
    SalaryThreshold,
    TransferTerm,
    VisitTerm,
)

P = TypeVar("P", bound=Provision)

FIRST_MONTH_DAYS = 30
FILS = Decimal("0.001")
TABLES: tuple[type[Provision], ...] = (
    ArticleTerm,
    LongResidency,
    SalaryThreshold,
    SalaryExemption,
    CourtFinding,
    OverstayFine,
    VisitTerm,
    TransferTerm,
)


def _read(model: type[P], day: dt.date) -> list[P]:
    return list(
        model.objects.filter(effective_from__lte=day)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=day))
        .order_by("-effective_from", "-pk")
    )


def law_revision() -> tuple[Any, ...]:
    """What the law's tables hold, in a word: each one's number of rows and latest save."""
    quote = connection.ops.quote_name
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(t._meta.db_table)}), "
        f"(SELECT MAX({quote('updated_at')}) FROM {quote(t._meta.db_table)})"
        for t in TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone())


_kept: dict[tuple[type[Provision], dt.date], list] = {}
_kept_at: list[tuple[Any, ...] | None] = [None]  # the revision ``_kept`` was read at
_kept_lock = threading.Lock()


def in_force(model: type[P], day: dt.date, revision: tuple[Any, ...] | None = None) -> list[P]:
    """The model's rows in force on ``day``, newest first; at ``revision`` (``law_revision``),
    from what this process read at that revision, if it did."""
    if revision is None:
        return _read(model, day)
    with _kept_lock:
        if _kept_at[0] != revision:
            _kept.clear()
            _kept_at[0] = revision
        rows = _kept.get((model, day))
    if rows is None:
        rows = _read(model, day)
        with _kept_lock:
            if _kept_at[0] == revision:
                _kept[model, day] = rows
    return rows


def _newest_by(rows: Iterable[P], key) -> dict:
    """One row per key: the one that took effect last (rows come newest first)."""
    chosen: dict = {}
    for row in rows:
        chosen.setdefault(key(row), row)
    return chosen


class Law:
    def __init__(self, day: dt.date | None = None) -> None:
        self.day = day or timezone.localdate()

    @cached_property
    def _revision(self) -> tuple[Any, ...]:
        return law_revision()

    def _in_force(self, model: type[P]) -> list[P]:
        return in_force(model, self.day, self._revision)

    # -- articles and durations -----------------------------------------------------------

    @cached_property
    def _articles(self) -> dict[int, ArticleTerm]:
        return _newest_by(self._in_force(ArticleTerm), lambda r: r.article)

    def article(self, number: int) -> ArticleTerm | None:
        return self._articles.get(number)

    def relations_sponsorable_by(self, sponsor_kind: str) -> frozenset[str]:
        """Relations in which a sponsor of this kind may put someone on their file, under any
        article but temporary residence (which anyone may hold, and which is not a file)."""
        return frozenset(
            relation
            for term in self._articles.values()
            if sponsor_kind in term.sponsor_kinds and term.article != Article.TEMPORARY
            for relation in term.relations
        )

    @cached_property
    def _long_residency(self) -> dict[str, LongResidency]:
        return _newest_by(self._in_force(LongResidency), lambda r: r.ground)

    def max_months(self, article: int, grounds: Iterable[str] = ()) -> int:
        """The longest residency under the article for someone with these grounds: the
        article's regular maximum, or a long-residency ground's when it applies and is longer.
        Zero when the article is not in force."""
        term = self.article(article)
        if term is None:
            return 0
        longest = term.max_months
        for ground in grounds:
            rule = self._long_residency.get(ResidencyGround(ground))
            if rule and (not rule.articles or article in rule.articles):
                longest = max(longest, rule.max_months)
        return longest

    # -- salaries -------------------------------------------------------------------------

    @cached_property
    def _salary(self) -> dict[str, SalaryThreshold]:
        return _newest_by(self._in_force(SalaryThreshold), lambda r: r.purpose)

    @cached_property
    def _exemptions(self) -> dict[tuple[str, str], SalaryExemption]:
        return _newest_by(self._in_force(SalaryExemption), lambda r: (r.purpose, r.profession))

    def salary_threshold(self, purpose: SalaryPurpose) -> SalaryThreshold | None:
        return self._salary.get(purpose)

    def salary_exemption(
        self, purpose: SalaryPurpose, profession: str, *, public_sector: bool
    ) -> SalaryExemption | None:
        """The exemption that frees this profession from the threshold, if any."""
        exemption = self._exemptions.get((purpose, profession))
        if exemption is None or (exemption.public_sector_only and not public_sector):
            return None
        return exemption

    # -- court findings -------------------------------------------------------------------

    @cached_property
    def _court(self) -> dict[str, CourtFinding]:
        return _newest_by(self._in_force(CourtFinding), lambda r: r.record_kind)

    def court_finding(self, record_kind: str) -> CourtFinding | None:
        """What a kind of court record does; None (no rule) is for the caller to treat as a
        review, never as a pass."""
        return self._court.get(record_kind)

    def court_effect(self, record_kind: str) -> CourtEffect:
        finding = self.court_finding(record_kind)
        return CourtEffect(finding.effect) if finding else CourtEffect.REVIEW

    # -- overstay -------------------------------------------------------------------------

    @cached_property
    def _overstay(self) -> dict[str, OverstayFine]:
        return _newest_by(self._in_force(OverstayFine), lambda r: r.category)

    def overstay_rule(self, category: OverstayCategory) -> OverstayFine | None:
        return self._overstay.get(category)

    def overstay_fine(self, category: OverstayCategory, days: int) -> Decimal:
        """The fine for ``days`` past expiry: the first thirty at one daily rate, the rest at
        the other, at most the cap."""
        rule = self.overstay_rule(category)
        if rule is None or days <= 0:
            return Decimal("0.000")
        first = min(days, FIRST_MONTH_DAYS)
        amount = rule.first_month_per_day * first + rule.later_per_day * (days - first)
        return min(amount, rule.cap).quantize(FILS)

    # -- visits and transfers -------------------------------------------------------------

    @cached_property
    def _visits(self) -> dict[str, VisitTerm]:
        return _newest_by(self._in_force(VisitTerm), lambda r: r.relation)

    def visit_term(self, relation: str) -> VisitTerm | None:
        return self._visits.get(relation)

    def visit_relations(self) -> list[str]:
        return sorted(self._visits)

    @cached_property
    def _transfers(self) -> dict[tuple[int, int], TransferTerm]:
        return _newest_by(self._in_force(TransferTerm), lambda r: (r.from_article, r.to_article))

    def transfer_term(self, from_article: int, to_article: int) -> TransferTerm | None:
        return self._transfers.get((from_article, to_article))


def overstay_category(article: int) -> OverstayCategory:
    """Which overstay fine a residency under this article incurs."""
    if article == Article.DOMESTIC_WORKER:
        return OverstayCategory.DOMESTIC_WORKER
    if article == Article.TEMPORARY:
        return OverstayCategory.TEMPORARY
    return OverstayCategory.RESIDENCY
