"""Staff change the fee schedule in the admin, without a deploy; a rate a quote used keeps its
amount (history) and can only be closed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from payments.models import FeeRate
from payments.quotes import quote_issue
from tests import factories
from tests.payments.conftest import awaiting_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> Client:
    client = Client()
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    return client


def test_a_new_rate_from_the_admin_prices_the_next_quote(officer, household):
    today = timezone.localdate()
    response = officer.post(
        "/admin/payments/feerate/add/",
        {
            "kind": "residency",
            "article": "20",
            "relation": "",
            "household": "expatriate",
            "sponsor_article": "",
            "amount": "15.000",
            "per": "year",
            "effective_from": today.isoformat(),
            "legal_basis": "Ministerial Decree 9999/2026",
            "source_kind": "decision",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    app = awaiting_payment(household, household["maid"])
    assert quote_issue(app).total == Decimal("15.000")


def test_the_admin_refuses_a_rate_that_cannot_be(officer):
    response = officer.post(
        "/admin/payments/feerate/add/",
        {
            "kind": "health_insurance",
            "article": "18",
            "amount": "-1",
            "per": "year",
            "effective_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200  # the form again, with errors
    assert not FeeRate.objects.filter(kind="health_insurance", article=18).exists()


def test_a_used_rate_keeps_its_amount(officer, household):
    app = awaiting_payment(household, household["maid"])
    quote_issue(app)
    rate = FeeRate.objects.get(article=20, household="expatriate")
    page = officer.get(f"/admin/payments/feerate/{rate.pk}/change/").content.decode()
    assert 'name="amount"' not in page and 'name="effective_until"' in page
