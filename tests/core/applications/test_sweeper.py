"""A check is its own queue entry: claimed once however many workers poll, and handed back by
the sweeper only when its worker died (its lease ran out) — never while it waits to be claimed
or while a live worker holds it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.applications.checks import checks_requeue_stalled, claim_due
from core.applications.models import AgencyCheck, CheckStatus
from tests.support.applications import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(household) -> list[AgencyCheck]:
    """Every person of the household in an application of their own, submitted, and nobody
    working: every check PENDING, due long ago."""
    h = household
    for person in (h["wife"], h["child"], h["maid"]):
        submit(h, person)
    AgencyCheck.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    return list(AgencyCheck.objects.all())


def statuses() -> dict[int, tuple[str, int]]:
    return {c.pk: (c.status, c.attempts) for c in AgencyCheck.objects.all()}


def test_a_backlog_waiting_to_be_claimed_is_left_alone_by_the_sweeper(backlog):
    before = statuses()
    assert len(backlog) >= 9
    assert set(before.values()) == {(CheckStatus.PENDING, 0)}
    for _ in range(10):  # ten sweeps of the flood of issue 14
        assert checks_requeue_stalled() == 0
    assert statuses() == before


def test_each_check_is_claimed_once_however_many_claims_come(backlog):
    first = claim_due(4)
    rest = claim_due(100)
    assert claim_due(100) == []  # nothing is left to claim, nothing is claimed again
    claimed = [c.check.pk for c in first + rest]
    assert sorted(claimed) == sorted(c.pk for c in backlog)
    assert {c.attempt for c in first + rest} == {1}
    assert set(statuses().values()) == {(CheckStatus.RUNNING, 1)}
    for _ in range(3):
        assert checks_requeue_stalled() == 0  # held under live leases


def test_only_the_check_that_lost_its_lease_is_handed_back_and_only_once(backlog):
    claim_due(100)
    killed = backlog[0]
    AgencyCheck.objects.filter(pk=killed.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )

    assert checks_requeue_stalled() == 1
    assert checks_requeue_stalled() == 0
    killed.refresh_from_db()
    assert (killed.status, killed.lease_until, killed.attempts) == (CheckStatus.PENDING, None, 1)
    (again,) = claim_due(100)
    assert (again.check.pk, again.attempt) == (killed.pk, 2)


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_split_the_backlog(household):
    """Concurrent claims skip each other's locked rows: no check is taken twice."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks that skip: PostgreSQL")
    h = household
    for person in (h["wife"], h["child"], h["maid"]):
        submit(h, person)
    AgencyCheck.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    taken: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def worker(index: int) -> None:
        start.wait()
        try:
            while claimed := claim_due(2):
                taken[index] += [c.check.pk for c in claimed]
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    every = taken[0] + taken[1]
    assert len(every) == len(set(every)) == AgencyCheck.objects.count()
    assert set(statuses().values()) == {(CheckStatus.RUNNING, 1)}
