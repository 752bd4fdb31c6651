"""Agency checks run in background workers, durably.

The ``AgencyCheck`` row is the unit of work (``core.leases``): a worker claims it (status
running, a lease, one more attempt) in a short transaction, asks the agency outside any
transaction, then records the facts and their verdict if its claim still holds, and hands the
application to ``progress``. A worker killed mid-check leaves a lease that runs out;
``checks_requeue_stalled`` (a periodic job of the workers) puts such checks back on the queue,
once, so nothing is lost and nothing is asked twice. An agency outage leaves the check retrying
with backoff, never failing the application.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import leases
from core.agencies import registry
from core.agencies.base import AgencyUnavailable
from core.applications import verdicts
from core.applications.history import announce_check
from core.applications.kinds import kind_of
from core.applications.models import AgencyCheck, AgencyName, CheckStatus
from core.applications.progress import application_progress
from core.applications.states import CHECKING_STATES
from core.law.rules import Law
from core.request_id import current_request_id, request_id_set

logger = logging.getLogger(__name__)

LEASE = leases.LeaseColumns(until="lease_until", attempts="attempts")
UNFINISHED = [CheckStatus.PENDING, CheckStatus.RETRYING, CheckStatus.RUNNING]
# A check due this long ago and not claimed has lost its task (or it failed before claiming).
LOST_TASK_AFTER = dt.timedelta(seconds=30)


def lease() -> dt.timedelta:
    """How long a claim on a check lasts (``CHECK_LEASE_SECONDS``: above the slowest agency's
    answer, else a second worker takes over a check still being asked)."""
    return dt.timedelta(seconds=settings.CHECK_LEASE_SECONDS)


def retry_delay(attempts: int) -> dt.timedelta:
    """The backoff after a failed attempt: ``CHECK_RETRY_DELAYS`` by attempt, the last
    repeating."""
    delays = settings.CHECK_RETRY_DELAYS
    return dt.timedelta(seconds=delays[min(attempts, len(delays)) - 1])


@task()
def run_agency_check(check_id: int, request_id: str = "-") -> str:
    """The task; ``request_id``: the request that queued it, in its logs and events."""
    with request_id_set(request_id):
        return check_run(check_id=check_id)


def enqueue(check_id: int, *, run_after: dt.datetime | None = None) -> None:
    job = run_agency_check.using(run_after=run_after) if run_after else run_agency_check
    job.enqueue(check_id, request_id=current_request_id())


def schedule(check_ids: list[int]) -> None:
    """Queue checks once the transaction that created them commits."""
    transaction.on_commit(lambda: [enqueue(pk) for pk in check_ids])


def _start(check: AgencyCheck) -> list[str]:
    check.status = CheckStatus.RUNNING
    announce_check(check)
    return ["status", "updated_at"]


def _claim(check_id: int) -> leases.Claim[AgencyCheck] | None:
    due = timezone.now() + dt.timedelta(seconds=1)
    return leases.claim(
        AgencyCheck,
        check_id,
        columns=LEASE,
        lease=lease(),
        eligible=Q(
            status__in=UNFINISHED,
            next_attempt_at__lte=due,  # not due yet: its own delayed job will come
            item__application__state__in=CHECKING_STATES,
        ),
        related=("item__permit__holder", "item__application__sponsor__person"),
        on_claim=_start,
    )


def _ask(check: AgencyCheck) -> tuple[verdicts.Verdict, dict[str, Any]]:
    """Ask the agency, and judge its facts (``verdicts``)."""
    item = check.item
    subject = kind_of(item.application).subject(item, timezone.localdate())
    facts = registry.ask(check.agency, subject)
    if check.agency == AgencyName.HEALTH:
        verdict = verdicts.insurance(facts, end=subject.period_end)
    elif check.agency == AgencyName.FINES:
        verdict = verdicts.fines(facts)
    elif check.agency == AgencyName.COURTS:
        verdict = verdicts.courts(facts, Law())
    else:
        verdict = verdicts.work_permit(
            facts, end=subject.period_end, employer_file=subject.employer_file_number
        )
    return verdict, _jsonable(dataclasses.asdict(facts))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def check_run(*, check_id: int) -> str:
    claimed = _claim(check_id)
    if claimed is None:
        return "skipped"
    started = time.monotonic()
    try:
        verdict, facts = _ask(claimed.row)
    except AgencyUnavailable as exc:
        return _retry_later(claimed, str(exc), _ms_since(started))
    except Exception as exc:  # an adapter bug must not lose the check: retry it too
        logger.exception("agency check %s failed unexpectedly", check_id)
        return _retry_later(claimed, f"{type(exc).__name__}: {exc}", _ms_since(started))
    return _record(claimed, verdict, facts, _ms_since(started))


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _retry_later(claimed: leases.Claim[AgencyCheck], error: str, asked_ms: int) -> str:
    run_after = timezone.now() + retry_delay(claimed.attempt)
    with transaction.atomic():
        check = leases.still_held(AgencyCheck, claimed, columns=LEASE)
        if check is None or check.status != CheckStatus.RUNNING:
            return "stale"
        check.status = CheckStatus.RETRYING
        check.lease_until = None
        check.next_attempt_at = run_after
        check.last_error = error[:300]
        check.asked_ms = asked_ms
        check.save()
        announce_check(check)
        transaction.on_commit(lambda: enqueue(check.pk, run_after=run_after))
    return "retrying"


def _record(
    claimed: leases.Claim[AgencyCheck], verdict: verdicts.Verdict, facts: dict, asked_ms: int
) -> str:
    with transaction.atomic():
        check = leases.still_held(AgencyCheck, claimed, columns=LEASE)
        if check is None or check.status != CheckStatus.RUNNING:
            return "stale"  # our lease ran out and another worker took over
        check.status = verdict.status
        check.amount = verdict.owed
        check.detail_en, check.detail_ar = verdict.detail_en, verdict.detail_ar
        check.facts = facts
        check.lease_until = None
        check.last_error = ""
        check.asked_ms = asked_ms
        check.save()
        announce_check(check)
        application_progress(check.item.application_id)
    return str(verdict.status)


def _checks_with_a_live_task(now: dt.datetime) -> set[int]:
    """Checks whose task waits in the queue, or was taken by a worker within a lease: queuing
    them again would only duplicate work."""
    live = DBTaskResult.objects.filter(task_path=run_agency_check.module_path).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gt=now - lease())
    )
    return {args[0] for args in live.values_list("args_kwargs__args", flat=True) if args}


def checks_requeue_stalled(*, now: dt.datetime | None = None) -> int:
    """Queue again the checks whose worker died (their lease ran out) and those due for a while
    whose task is gone (its worker died before claiming it, or it failed) — never one whose
    task is still queued or running: a check is queued once."""
    now = now or timezone.now()
    lost_lease = Q(status=CheckStatus.RUNNING, lease_until__lt=now)
    stalled = AgencyCheck.objects.filter(
        lost_lease
        | Q(
            status__in=[CheckStatus.PENDING, CheckStatus.RETRYING],
            next_attempt_at__lt=now - LOST_TASK_AFTER,
        ),
        item__application__state__in=CHECKING_STATES,
    )
    candidates = list(stalled.values_list("pk", flat=True))
    if not candidates:
        return 0
    AgencyCheck.objects.filter(lost_lease, pk__in=candidates).update(
        status=CheckStatus.PENDING, lease_until=None, next_attempt_at=now
    )
    queued = _checks_with_a_live_task(now)
    requeue = [pk for pk in candidates if pk not in queued]
    for pk in requeue:
        enqueue(pk)
    return len(requeue)


def checks_sweep() -> str:
    """The sweeper as the workers' periodic job: what it did, for the log."""
    count = checks_requeue_stalled()
    return f"requeued {count} stalled agency checks" if count else ""


def tasks_prune(*, now: dt.datetime | None = None) -> int:
    """Delete task rows that succeeded more than ``TASK_RESULTS_KEEP_HOURS`` ago (the check
    rows keep what they found); failed ones stay for an operator to read."""
    now = now or timezone.now()
    keep = dt.timedelta(hours=float(settings.TASK_RESULTS_KEEP_HOURS))
    deleted, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - keep
    ).delete()
    return deleted


def tasks_prune_job() -> str:
    count = tasks_prune()
    return f"deleted {count} finished task rows" if count else ""
