"""Periodic jobs of the application workers: the domain's own (the check sweeper, pruning
finished task rows) and those the apps above it register in their ``ready()`` (payments'
reconciliation). The worker loop lives in ``core`` and imports no layer above it; this registry
is the port they plug into.

Every worker runs the same loop; each job has a ``PeriodicJob`` row leased like any other work
(``core.leases``), so one worker at a time runs a job, on time, and a worker killed mid-job
hands it to the next once the lease runs out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import leases
from core.applications.models import PeriodicJob

logger = logging.getLogger(__name__)

LEASE = leases.LeaseColumns(until="lease_until", attempts="runs")


@dataclass(frozen=True)
class Job:
    name: str
    every: Callable[[], float]  # seconds between two runs, read at each run (settings)
    run: Callable[[], Any]  # what it did, for the log; falsy: nothing worth a line
    lease_seconds: float = 300.0  # longer than one run may take


_jobs: dict[str, Job] = {}
_rows_made: set[str] = set()  # jobs whose row this process has made sure of


def register(job: Job) -> None:
    """Add (or replace, by name) a job every worker runs."""
    _jobs[job.name] = job


def registered() -> list[Job]:
    return list(_jobs.values())


def run_due(*, now: dt.datetime | None = None) -> list[str]:
    """Run every registered job that is due and that no other worker holds; their names. One
    read finds the due ones (most ticks: none), each is then claimed."""
    now = now or timezone.now()
    not_due = set(
        PeriodicJob.objects.filter(next_run_at__gt=now, lease_until__isnull=True).values_list(
            "name", flat=True
        )
    )
    ran = []
    for job in registered():
        if job.name not in not_due and _run_if_due(job, now):
            ran.append(job.name)
    return ran


def _run_if_due(job: Job, now: dt.datetime) -> bool:
    if job.name not in _rows_made:
        with contextlib.suppress(IntegrityError):  # another worker made it at the same moment
            PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        _rows_made.add(job.name)
    claimed = leases.claim(
        PeriodicJob,
        job.name,
        columns=LEASE,
        lease=dt.timedelta(seconds=job.lease_seconds),
        eligible=Q(next_run_at__lte=now),
    )
    if claimed is None:
        return False
    error = ""
    try:
        if outcome := job.run():
            logger.info("periodic job %s: %s", job.name, outcome)
    except Exception as exc:  # a job's failure must not stop the loop, nor the other jobs
        logger.exception("periodic job %s failed", job.name)
        error = f"{type(exc).__name__}: {exc}"[:300]
    finished = timezone.now()
    leases.release(
        PeriodicJob,
        claimed,
        columns=LEASE,
        next_run_at=finished + dt.timedelta(seconds=job.every()),
        last_finished_at=finished,
        last_error=error,
    )
    return True


def tasks_prune(*, now: dt.datetime | None = None) -> int:
    """Delete task rows (agency reports) that succeeded more than ``TASK_RESULTS_KEEP_HOURS``
    ago; failed ones stay for an operator to read."""
    now = now or timezone.now()
    keep = dt.timedelta(hours=float(settings.TASK_RESULTS_KEEP_HOURS))
    deleted, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - keep
    ).delete()
    return deleted


def tasks_prune_job() -> str:
    count = tasks_prune()
    return f"deleted {count} finished task rows" if count else ""
