"""The provisions of the residency law the services apply, one table per kind of rule.

Every row is a ``Provision``: the legal basis it comes from, how authoritative that source is
(a decree-law, its executive regulations, a ministerial decision, a ministry statement, or a
press report still to be confirmed against the Official Gazette), and the days it applies
between. A change in the law is a new row from a later date; the old row stays, closed with
``effective_until``, so what applied on any past day can still be read.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.agencies.base import CourtRecordKind
from core.articles import Article, Profession, Relation, SponsorKind


def _money(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **kwargs)


class SourceKind(models.TextChoices):
    LAW = "law", "Decree-law"
    REGULATION = "regulation", "Executive regulations"
    DECISION = "decision", "Ministerial or administrative decision"
    STATEMENT = "statement", "Ministry statement"
    PRACTICE = "practice", "Administrative practice (to confirm with Residency Affairs)"
    PRESS = "press", "Press report (to confirm against the Official Gazette)"


def _choices(values: list, allowed: type[models.TextChoices] | type[models.IntegerChoices]):
    unknown = [v for v in values if v not in allowed.values]
    if unknown:
        raise ValidationError(f"Unknown values {unknown}; allowed: {list(allowed.values)}.")


class Provision(models.Model):
    legal_basis = models.CharField(
        max_length=300, help_text="Where the rule comes from: the text and article, or the report."
    )
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    effective_from = models.DateField()
    effective_until = models.DateField(
        null=True, blank=True, help_text="The first day the rule no longer applies."
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.effective_until and self.effective_until <= self.effective_from:
            raise ValidationError({"effective_until": "Must be after the effective date."})

    @classmethod
    def period_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            name=name,
            condition=Q(effective_until__isnull=True)
            | Q(effective_until__gt=models.F("effective_from")),
        )


class ArticleTerm(Provision):
    """What an article of the law is and allows: its title, who may sponsor under it, in which
    relation the holder stands to the sponsor, and the longest regular residency it gives."""

    article = models.PositiveSmallIntegerField(choices=Article.choices)
    title_en = models.CharField(max_length=120)
    title_ar = models.CharField(max_length=120)
    sponsor_kinds = models.JSONField(help_text="Sponsor kinds that may sponsor under it.")
    relations = models.JSONField(help_text="Relations of the holder to the sponsor it allows.")
    max_months = models.PositiveSmallIntegerField(
        help_text="The longest residency it gives at a time, before any long-residency ground."
    )

    class Meta:
        ordering = ["article", "-effective_from"]
        constraints = [Provision.period_constraint("article_term_period")]

    def __str__(self) -> str:
        return f"Art. {self.article} {self.title_en}: up to {self.max_months} months"

    def clean(self) -> None:
        super().clean()
        _choices(list(self.sponsor_kinds or []), SponsorKind)
        _choices(list(self.relations or []), Relation)


class ResidencyGround(models.TextChoices):
    CHILD_OF_KUWAITI_MOTHER = "child_of_kuwaiti_mother", "Child of a Kuwaiti mother"
    PROPERTY_OWNER = "property_owner", "Property owner"
    INVESTOR = "investor", "Investor"


class LongResidency(Provision):
    """A ground on which the law allows a longer residency than the article's regular one."""

    ground = models.CharField(max_length=32, choices=ResidencyGround.choices)
    articles = models.JSONField(help_text="The articles it applies under; empty: any.")
    max_months = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["ground", "-effective_from"]
        constraints = [Provision.period_constraint("long_residency_period")]

    def __str__(self) -> str:
        return f"{self.get_ground_display()}: up to {self.max_months} months"

    def clean(self) -> None:
        super().clean()
        _choices(list(self.articles or []), Article)


class SalaryPurpose(models.TextChoices):
    FAMILY_JOIN = "family_join", "Sponsoring a family (Art. 22)"


class SalaryThreshold(Provision):
    """The least monthly salary a sponsor must earn for a purpose."""

    purpose = models.CharField(max_length=16, choices=SalaryPurpose.choices)
    min_monthly_salary = _money("least monthly salary (KWD)")

    class Meta:
        ordering = ["purpose", "-effective_from"]
        constraints = [Provision.period_constraint("salary_threshold_period")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: KD {self.min_monthly_salary} a month"


class SalaryExemption(Provision):
    """A profession the salary threshold does not apply to (in the public sector only, when
    ``public_sector_only``: the sponsor's own residency is under Art. 17)."""

    purpose = models.CharField(max_length=16, choices=SalaryPurpose.choices)
    profession = models.CharField(max_length=32, choices=Profession.choices)
    public_sector_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["purpose", "profession", "-effective_from"]
        constraints = [Provision.period_constraint("salary_exemption_period")]

    def __str__(self) -> str:
        where = " (public sector)" if self.public_sector_only else ""
        return f"{self.get_profession_display()}{where} exempt: {self.get_purpose_display()}"


class CourtEffect(models.TextChoices):
    BLOCK = "block", "Blocks the application"
    REVIEW = "review", "An officer reviews it"
    PASS = "pass", "Does not stop the application"


class CourtFinding(Provision):
    """What a kind of court record does to an application."""

    record_kind = models.CharField(
        max_length=24,
        choices=[(k.value, k.name.replace("_", " ").title()) for k in CourtRecordKind],
    )
    effect = models.CharField(max_length=8, choices=CourtEffect.choices)
    explanation_en = models.CharField(max_length=200)
    explanation_ar = models.CharField(max_length=200)

    class Meta:
        ordering = ["record_kind", "-effective_from"]
        constraints = [Provision.period_constraint("court_finding_period")]

    def __str__(self) -> str:
        return f"{self.record_kind}: {self.get_effect_display()}"


class OverstayCategory(models.TextChoices):
    RESIDENCY = "residency", "A regular residency not renewed"
    DOMESTIC_WORKER = "domestic_worker", "A domestic worker's residency not renewed"
    TEMPORARY = "temporary", "A temporary residency overstayed"
    VISIT = "visit", "A visit overstayed"


class OverstayFine(Provision):
    """The fine for each day past the expiry of a residency or visit: one daily amount for the
    first thirty days, another after, up to a cap."""

    category = models.CharField(max_length=16, choices=OverstayCategory.choices)
    first_month_per_day = _money("per day, first 30 days (KWD)")
    later_per_day = _money("per day, after 30 days (KWD)")
    cap = _money("at most (KWD)")

    class Meta:
        ordering = ["category", "-effective_from"]
        constraints = [Provision.period_constraint("overstay_fine_period")]

    def __str__(self) -> str:
        return (
            f"{self.get_category_display()}: KD {self.first_month_per_day}/day, then "
            f"KD {self.later_per_day}/day, at most KD {self.cap}"
        )


class VisitTerm(Provision):
    """Who may invite a relative living abroad: the host's articles, the least salary, how
    long the visit may last, and what the visitor must bring."""

    relation = models.CharField(max_length=20, choices=Relation.choices)
    host_articles = models.JSONField(help_text="The articles a host's own residency may be under.")
    min_host_salary = _money("host's least monthly salary (KWD)", null=True, blank=True)
    max_months = models.PositiveSmallIntegerField()
    return_ticket_required = models.BooleanField(default=True)
    health_insurance_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["relation", "-effective_from"]
        constraints = [Provision.period_constraint("visit_term_period")]

    def __str__(self) -> str:
        return f"Visit of a {self.relation}: up to {self.max_months} months"

    def clean(self) -> None:
        super().clean()
        _choices(list(self.host_articles or []), Article)


class TransferTerm(Provision):
    """A transfer of a residency from one article to another that is open, and what it needs."""

    from_article = models.PositiveSmallIntegerField(choices=Article.choices)
    to_article = models.PositiveSmallIntegerField(choices=Article.choices)
    current_sponsor_consent = models.BooleanField(default=True)
    new_sponsor_consent = models.BooleanField(default=True)
    holder_consent = models.BooleanField(
        default=True, help_text="Whether the holder must consent (signed in as themself)."
    )
    min_months_with_sponsor = models.PositiveSmallIntegerField(
        default=0, help_text="How long the holder must have been with the current sponsor."
    )
    transfer_fee = models.BooleanField(
        default=False,
        help_text="Whether a transfer fee is charged (its amount: the fee schedule's transfer "
        "rates); the new article's residency fee is charged either way.",
    )

    class Meta:
        ordering = ["from_article", "to_article", "-effective_from"]
        constraints = [
            Provision.period_constraint("transfer_term_period"),
            models.CheckConstraint(
                name="transfer_changes_article", condition=~Q(from_article=models.F("to_article"))
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer Art. {self.from_article} → Art. {self.to_article}"
