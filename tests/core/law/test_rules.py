"""The law read once per process while its tables are unchanged: an edit through the models
(as the admin makes) applies to the next ``Law`` at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.articles import Article
from core.law.models import ArticleTerm
from core.law.rules import Law

pytestmark = pytest.mark.django_db


def test_a_second_law_reads_only_whether_the_tables_changed():
    Law().article(Article.FAMILY_JOIN)  # read once, kept
    with CaptureQueriesContext(connection) as queries:
        assert Law().article(Article.FAMILY_JOIN) is not None
    assert len(queries) == 1  # the revision, not the table


def test_a_saved_edit_applies_to_the_next_law():
    before = Law().max_months(Article.FAMILY_JOIN)
    term = ArticleTerm.objects.filter(article=Article.FAMILY_JOIN).latest("effective_from")
    term.max_months = before + 1
    term.save()
    assert Law().max_months(Article.FAMILY_JOIN) == before + 1


def test_a_new_provision_applies_to_the_next_law():
    day = timezone.localdate()
    before = Law(day).max_months(Article.FAMILY_JOIN)
    current = ArticleTerm.objects.filter(article=Article.FAMILY_JOIN).latest("effective_from")
    current.pk = None
    current.max_months = before + 6
    current.effective_from = day
    current.effective_until = None
    ArticleTerm.objects.filter(article=Article.FAMILY_JOIN).update(effective_until=day)
    current.save()
    assert Law(day).max_months(Article.FAMILY_JOIN) == before + 6
