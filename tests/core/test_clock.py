"""The residency day (``core/clock.py``): one request judges every permit on one day."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from strawberry import relay

from core.clock import one_residency_day, residency_today
from core.models import PermitStatus, ResidencyPermit


def _days_passing(monkeypatch, start: dt.date) -> None:
    """Each call of ``timezone.localdate`` is a day later than the last: midnight, every time."""
    days = (start + dt.timedelta(days=n) for n in itertools.count())
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: next(days))


def test_outside_a_unit_of_work_it_is_today():
    assert residency_today() == timezone.localdate()


def test_inside_one_day_is_fixed_and_nesting_keeps_the_outer_day(monkeypatch):
    start = dt.date(2026, 11, 24)
    _days_passing(monkeypatch, start)
    with one_residency_day() as day:
        assert day == start
        assert residency_today() == residency_today() == start
        with one_residency_day() as inner:
            assert inner == start
        assert residency_today() == start
    assert residency_today() > start  # the day is released at the end


@pytest.mark.django_db
def test_a_response_judges_all_permits_on_the_day_it_started(gql, family, monkeypatch):
    today = timezone.localdate()
    ResidencyPermit.objects.filter(pk__in=[p.pk for p in family["permits"]]).update(
        expires_on=today
    )
    gql.login(family["user"])
    _days_passing(monkeypatch, today)  # midnight passes between every permit read
    result = gql(
        """query($id: ID!) { sponsor(id: $id) { permits(first: 10) { edges { node {
             status } } } } }""",
        {"id": relay.to_base64("Sponsor", family["sponsor"].pk)},
    )
    statuses = {e["node"]["status"] for e in result["data"]["sponsor"]["permits"]["edges"]}
    assert statuses == {PermitStatus.EXPIRING.name}  # expiring today, for every one of them
