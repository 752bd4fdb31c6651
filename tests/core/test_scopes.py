"""Scopes as data: what a scope implies comes with it, the database refuses a row without it,
and an owner holds every scope however the row was saved."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from core.models import SponsorStaff
from core.scopes import ALL_SCOPES, StaffRole, UnknownScope, closed, ordered
from tests import factories


def test_acting_brings_seeing_with_it():
    assert closed(["renew"]) == {"renew", "view_workers"}
    assert closed(["pay", "integrations"]) == {"pay", "view_workers", "integrations"}
    assert closed([]) == frozenset()
    assert ordered({"integrations", "pay", "view_workers"}) == [
        "view_workers",
        "pay",
        "integrations",
    ]
    with pytest.raises(UnknownScope):
        closed(["admin"])


@pytest.mark.django_db
def test_the_database_holds_the_rules():
    company, (owner,) = factories.company()
    row = SponsorStaff.objects.get(user=owner)
    assert row.role == StaffRole.OWNER and row.scopes == ALL_SCOPES
    with transaction.atomic(), pytest.raises(IntegrityError):  # an owner holds every scope
        SponsorStaff.objects.filter(pk=row.pk).update(pay=False)
    clerk = SponsorStaff.objects.create(sponsor=company, user=factories.user(), view_workers=True)
    with transaction.atomic(), pytest.raises(IntegrityError):  # paying without seeing
        SponsorStaff.objects.filter(pk=clerk.pk).update(view_workers=False, pay=True)
    row.pay = False
    row.save()  # saved as an owner: every scope again
    row.refresh_from_db()
    assert row.scopes == ALL_SCOPES
