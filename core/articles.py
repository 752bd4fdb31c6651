"""Articles of the residency law (Law 17/1959 and its executive regulations) as data.

What varies by article lives here and nowhere else: who may sponsor under it, in which relation
the holder stands to the sponsor, and the longest renewal it allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Article(models.IntegerChoices):
    TEMPORARY = 14, "Art. 14 — temporary residence"
    GOVERNMENT = 17, "Art. 17 — government sector work"
    PRIVATE_SECTOR = 18, "Art. 18 — private sector work"
    SELF_SPONSORED = 19, "Art. 19 — self-sponsored (partners, investors)"
    DOMESTIC_WORKER = 20, "Art. 20 — domestic worker"
    FAMILY_JOIN = 22, "Art. 22 — family join"
    SELF_RESIDENCE = 24, "Art. 24 — self residence"


class SponsorKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COMPANY = "company", "Company"
    GOVERNMENT = "government", "Government body"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    DOMESTIC_WORKER = "domestic_worker", "Domestic worker"
    EMPLOYEE = "employee", "Employee"
    SELF = "self", "Self"


@dataclass(frozen=True)
class ArticleRule:
    article: Article
    title_en: str
    title_ar: str
    sponsor_kinds: frozenset[str]
    relations: frozenset[str]
    max_renewal_months: int


ARTICLE_RULES: dict[int, ArticleRule] = {
    rule.article: rule
    for rule in (
        ArticleRule(
            Article.TEMPORARY,
            "Temporary residence",
            "إقامة مؤقتة",
            frozenset(SponsorKind),
            frozenset(Relation),
            12,
        ),
        ArticleRule(
            Article.GOVERNMENT,
            "Government sector work",
            "العمل في القطاع الحكومي",
            frozenset({SponsorKind.GOVERNMENT}),
            frozenset({Relation.EMPLOYEE}),
            60,
        ),
        ArticleRule(
            Article.PRIVATE_SECTOR,
            "Private sector work",
            "العمل في القطاع الأهلي",
            frozenset({SponsorKind.COMPANY}),
            frozenset({Relation.EMPLOYEE}),
            60,
        ),
        ArticleRule(
            Article.SELF_SPONSORED,
            "Self-sponsored (partners and investors)",
            "إقامة ذاتية للشركاء والمستثمرين",
            frozenset({SponsorKind.INDIVIDUAL}),
            frozenset({Relation.SELF}),
            60,
        ),
        ArticleRule(
            Article.DOMESTIC_WORKER,
            "Domestic worker",
            "عمالة منزلية",
            frozenset({SponsorKind.INDIVIDUAL}),
            frozenset({Relation.DOMESTIC_WORKER}),
            24,
        ),
        ArticleRule(
            Article.FAMILY_JOIN,
            "Family join",
            "التحاق بعائل",
            frozenset({SponsorKind.INDIVIDUAL}),
            frozenset({Relation.SPOUSE, Relation.CHILD, Relation.PARENT}),
            60,
        ),
        ArticleRule(
            Article.SELF_RESIDENCE,
            "Self residence",
            "إقامة ذاتية",
            frozenset({SponsorKind.INDIVIDUAL}),
            frozenset({Relation.SELF}),
            120,
        ),
    )
}

# A permit is "expiring" within this many days of its expiry date.
EXPIRING_WITHIN_DAYS = 30


def rule_for(article: int) -> ArticleRule:
    return ARTICLE_RULES[article]


def relations_for_sponsor_kind(kind: str) -> frozenset[str]:
    """Relations in which a sponsor of this kind may sponsor anyone, under any article."""
    return frozenset(
        relation
        for rule in ARTICLE_RULES.values()
        if kind in rule.sponsor_kinds and rule.article != Article.TEMPORARY
        for relation in rule.relations
    )
