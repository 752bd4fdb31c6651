"""The published fee schedule: rates with their dates and legal basis, edited in the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.articles import Article, Relation
from core.law.models import SourceKind


def money(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **kwargs)


class FeeKind(models.TextChoices):
    RESIDENCY = "residency", "Residency fee"
    HEALTH_INSURANCE = "health_insurance", "Health insurance"
    VISIT = "visit", "Visit permit fee"
    TRANSFER = "transfer", "Transfer fee"


class FeePer(models.TextChoices):
    YEAR = "year", "Per year or part of a year"
    MONTH = "month", "Per month"
    ONCE = "once", "Once"
    YEAR_OF_SERVICE = "year_of_service", "Per year with the current sponsor"


class Household(models.TextChoices):
    """Whose household a person joins: an individual sponsor's nationality, as fee tables
    tell them apart (a Kuwaiti's domestic worker pays differently from an expatriate's)."""

    KUWAITI = "kuwaiti", "A Kuwaiti household"
    EXPATRIATE = "expatriate", "An expatriate household"


class FeeRate(models.Model):
    """One line of the published fee schedule: an amount per year, month, once or per year of
    service, from a date.

    Staff change the schedule by adding a row with a later ``effective_from`` (or by closing a
    row with ``effective_until``); quotes already given keep their amounts. A residency rate
    applies to permits under ``article``; ``relation``, ``household`` and ``sponsor_article``
    narrow it to people in that relation to the sponsor, in that kind of household, and to
    dependents of a sponsor who holds a residency under that article (empty: any). A visit rate
    applies to visitors in ``relation``; a transfer rate to transfers from ``from_article`` to
    ``article``. The most specific matching row wins (``payments.pricing``).
    """

    kind = models.CharField(max_length=20, choices=FeeKind.choices)
    article = models.PositiveSmallIntegerField(choices=Article.choices, null=True, blank=True)
    from_article = models.PositiveSmallIntegerField(
        "transfer from article",
        choices=Article.choices,
        null=True,
        blank=True,
        help_text="Transfers only: the article the residency moves from.",
    )
    relation = models.CharField(
        "person type",
        max_length=20,
        choices=Relation.choices,
        blank=True,
        help_text="Their relation to the sponsor or host. Empty: anyone.",
    )
    household = models.CharField(
        max_length=12,
        choices=Household.choices,
        blank=True,
        help_text="The individual sponsor's household. Empty: any.",
    )
    sponsor_article = models.PositiveSmallIntegerField(
        "sponsor's article",
        choices=Article.choices,
        null=True,
        blank=True,
        help_text="For dependents: the article of the sponsor's own residency. Empty: any.",
    )
    amount = money("amount (KWD)")
    per = models.CharField(max_length=16, choices=FeePer.choices, default=FeePer.YEAR)
    effective_from = models.DateField()
    effective_until = models.DateField(
        null=True, blank=True, help_text="The first day the rate no longer applies."
    )
    legal_basis = models.CharField(max_length=300, blank=True)
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [
            "kind",
            "article",
            "relation",
            "household",
            "sponsor_article",
            "-effective_from",
        ]
        constraints = [
            models.CheckConstraint(name="fee_rate_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="fee_rate_period",
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gt=models.F("effective_from")),
            ),
            models.CheckConstraint(
                name="fee_rate_kind_fields",
                condition=Q(kind=FeeKind.RESIDENCY, article__isnull=False)
                | Q(
                    kind=FeeKind.HEALTH_INSURANCE,
                    article__isnull=True,
                    relation="",
                    sponsor_article__isnull=True,
                )
                | Q(kind=FeeKind.VISIT, article__isnull=True)
                | Q(kind=FeeKind.TRANSFER, article__isnull=False, from_article__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        narrowed = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("from Art.", self.from_article),
                ("Art.", self.article),
                ("relation", self.relation),
                ("household", self.household),
                ("sponsor's Art.", self.sponsor_article),
            )
            if value
        )
        return f"{self.get_kind_display()} ({narrowed or 'everyone'}): KD {self.amount}/{self.per}"

    def clean(self) -> None:
        if self.kind in (FeeKind.RESIDENCY, FeeKind.TRANSFER) and self.article is None:
            raise ValidationError({"article": "A residency or transfer fee applies to an article."})
        if self.kind == FeeKind.TRANSFER and self.from_article is None:
            raise ValidationError({"from_article": "A transfer fee names the article left."})
        if self.kind == FeeKind.HEALTH_INSURANCE and (
            self.article or self.relation or self.sponsor_article
        ):
            raise ValidationError("The health-insurance fee applies to everyone alike.")
        if self.amount is not None and self.amount.as_tuple().exponent < -3:
            raise ValidationError({"amount": "At most three decimals (fils)."})
