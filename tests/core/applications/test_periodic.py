"""The workers' periodic jobs: each runs when due, one worker at a time, and a failing job
neither stops the others nor runs again before its time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.applications import periodic
from core.applications.models import PeriodicJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    monkeypatch.setattr(periodic, "_rows_made", set())
    ran: list[str] = []

    def failing() -> str:
        ran.append("failing")
        raise RuntimeError("the gateway said no")

    periodic.register(periodic.Job("counting", every=lambda: 60, run=lambda: ran.append("c")))
    periodic.register(periodic.Job("failing", every=lambda: 60, run=failing))
    return ran


def test_every_job_runs_when_due_and_not_again_before_its_time(jobs):
    assert periodic.run_due() == ["counting", "failing"]
    assert periodic.run_due() == []
    assert jobs == ["c", "failing"]
    failing = PeriodicJob.objects.get(name="failing")
    assert failing.last_error == "RuntimeError: the gateway said no"
    assert failing.lease_until is None
    assert failing.next_run_at > timezone.now() + dt.timedelta(seconds=50)

    later = timezone.now() + dt.timedelta(seconds=61)
    assert periodic.run_due(now=later) == ["counting", "failing"]


def test_a_job_another_worker_holds_is_left_to_it(jobs):
    periodic.run_due()
    PeriodicJob.objects.filter(name="counting").update(
        next_run_at=timezone.now(), lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert periodic.run_due(now=timezone.now() + dt.timedelta(seconds=1)) == []


def test_the_apps_register_the_sweeper_and_reconciliation():
    names = {job.name for job in periodic.registered()}
    assert {"checks.requeue_stalled", "tasks.prune_finished", "payments.reconcile"} <= names
