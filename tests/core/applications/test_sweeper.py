"""The sweeper under a backlog: a check is queued once, and queued again only when its worker
died (its lease ran out) or its task is provably gone (failed, or never there)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.applications.checks import checks_requeue_stalled, run_agency_check
from core.applications.models import AgencyCheck, CheckStatus
from tests.support.applications import submit

pytestmark = pytest.mark.django_db


def check_tasks() -> Counter:
    """Queued (ready) task rows per check id."""
    rows = DBTaskResult.objects.filter(
        task_path=run_agency_check.module_path, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return Counter(row["args"][0] for row in rows)


@pytest.fixture
def backlog(household, django_capture_on_commit_callbacks) -> list[AgencyCheck]:
    """Every person of the household in an application of their own, submitted (their tasks
    really queued), and nobody working: every check PENDING, due long ago."""
    h = household
    with django_capture_on_commit_callbacks(execute=True):
        for person in (h["wife"], h["child"], h["maid"]):
            submit(h, person)
    AgencyCheck.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    return list(AgencyCheck.objects.all())


def test_a_backlog_of_queued_checks_is_never_queued_again(backlog):
    queued = check_tasks()
    assert len(backlog) >= 9 and set(queued) == {c.pk for c in backlog}
    assert set(queued.values()) == {1}

    for _ in range(10):  # ten sweeps of the flood of issue 14
        assert checks_requeue_stalled() == 0
    assert check_tasks() == queued


def test_only_the_check_that_lost_its_lease_is_queued_again_and_only_once(backlog):
    killed = backlog[0]
    DBTaskResult.objects.filter(
        task_path=run_agency_check.module_path, args_kwargs__args=[killed.pk]
    ).update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=5))
    AgencyCheck.objects.filter(pk=killed.pk).update(
        status=CheckStatus.RUNNING, attempts=1, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )

    assert checks_requeue_stalled() == 1
    assert checks_requeue_stalled() == 0
    killed.refresh_from_db()
    assert (killed.status, killed.lease_until) == (CheckStatus.PENDING, None)
    assert check_tasks()[killed.pk] == 1
    assert set(check_tasks().values()) == {1}


def test_a_check_whose_task_failed_or_vanished_is_queued_again(backlog):
    failed, vanished = backlog[0], backlog[1]
    tasks = DBTaskResult.objects.filter(task_path=run_agency_check.module_path)
    tasks.filter(args_kwargs__args=[failed.pk]).update(status=TaskResultStatus.FAILED)
    tasks.filter(args_kwargs__args=[vanished.pk]).delete()

    assert checks_requeue_stalled() == 2
    assert checks_requeue_stalled() == 0
    assert check_tasks()[failed.pk] == check_tasks()[vanished.pk] == 1


def test_a_check_taken_by_a_live_worker_is_left_to_it(backlog):
    taken = backlog[0]
    DBTaskResult.objects.filter(
        task_path=run_agency_check.module_path, args_kwargs__args=[taken.pk]
    ).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert checks_requeue_stalled() == 0
