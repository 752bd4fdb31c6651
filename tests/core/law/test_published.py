"""The law the database starts with: every provision names its source and the day it applies
from, and the corrections a residency officer asked for hold (the earlier data cited Law
17/1959, allowed ten years of regular residency, and blocked a renewal on a travel ban)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.agencies.base import CourtRecordKind
from core.articles import Article, Profession
from core.law.models import CourtEffect, ResidencyGround, SalaryPurpose
from core.law.published import DECREE_LAW, TABLES, TRANSFER_TERMS
from core.law.rules import Law

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def test_every_provision_names_its_source_and_dates():
    for model, _ in TABLES:
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            assert row.legal_basis and row.source_kind and row.effective_from, row
            assert "17/1959" not in row.legal_basis


def test_articles_follow_decree_law_114_2024():
    law = Law(TODAY)
    for article in Article:
        term = law.article(article)
        assert term.legal_basis == DECREE_LAW
    regular = [a for a in Article if a != Article.TEMPORARY]
    assert {law.max_months(a) for a in regular} == {60}  # five years, not ten
    assert law.max_months(Article.TEMPORARY) == 12
    assert law.max_months(Article.FAMILY_JOIN, [ResidencyGround.CHILD_OF_KUWAITI_MOTHER]) == 120
    assert law.max_months(Article.SELF_RESIDENCE, [ResidencyGround.PROPERTY_OWNER]) == 120
    assert law.max_months(Article.SELF_SPONSORED, [ResidencyGround.INVESTOR]) == 180
    assert law.max_months(Article.FAMILY_JOIN, [ResidencyGround.INVESTOR]) == 60  # Art. 19 only


def test_court_findings_review_a_travel_ban_and_block_a_deportation():
    law = Law(TODAY)
    assert law.court_effect(CourtRecordKind.TRAVEL_BAN) == CourtEffect.REVIEW
    assert law.court_effect(CourtRecordKind.DEPORTATION_ORDER) == CourtEffect.BLOCK


def test_the_family_join_salary_exempts_listed_professions():
    law = Law(TODAY)
    assert law.salary_threshold(SalaryPurpose.FAMILY_JOIN).min_monthly_salary == 800
    assert law.salary_exemption(SalaryPurpose.FAMILY_JOIN, Profession.DOCTOR, public_sector=False)
    teacher = Profession.TEACHER
    assert law.salary_exemption(SalaryPurpose.FAMILY_JOIN, teacher, public_sector=True)
    assert not law.salary_exemption(SalaryPurpose.FAMILY_JOIN, teacher, public_sector=False)
    assert not law.salary_exemption(SalaryPurpose.FAMILY_JOIN, Profession.OTHER, public_sector=True)


def test_transfers_open_and_what_each_needs():
    law = Law(TODAY)
    to_domestic = law.transfer_term(Article.TEMPORARY, Article.DOMESTIC_WORKER)
    assert not to_domestic.current_sponsor_consent and to_domestic.holder_consent
    assert not to_domestic.transfer_fee
    to_private = law.transfer_term(Article.DOMESTIC_WORKER, Article.PRIVATE_SECTOR)
    assert to_private.current_sponsor_consent and to_private.new_sponsor_consent
    assert to_private.min_months_with_sponsor == 12 and to_private.transfer_fee
    assert law.transfer_term(Article.FAMILY_JOIN, Article.PRIVATE_SECTOR) is None
    assert len(TRANSFER_TERMS) == 2
