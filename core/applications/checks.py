"""Agency checks run in background workers, durably.

The ``AgencyCheck`` row is the unit of work (``core.leases``): a worker claims it (status
running, a lease, one more attempt) in a short transaction, asks the agency outside any
transaction, then records the facts and their verdict if its claim still holds, and hands the
application to ``progress``. A worker killed mid-check leaves a lease that runs out;
``checks_requeue_stalled`` (run by every worker, every few seconds) puts such checks back on the
queue, so nothing is lost. An agency outage leaves the check retrying with backoff, never
failing the application.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

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

logger = logging.getLogger(__name__)

LEASE = leases.LeaseColumns(until="lease_until", attempts="attempts")
UNFINISHED = [CheckStatus.PENDING, CheckStatus.RETRYING, CheckStatus.RUNNING]


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
def run_agency_check(check_id: int) -> str:
    return check_run(check_id=check_id)


def enqueue(check_id: int, *, run_after: dt.datetime | None = None) -> None:
    job = run_agency_check.using(run_after=run_after) if run_after else run_agency_check
    job.enqueue(check_id)


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
    try:
        verdict, facts = _ask(claimed.row)
    except AgencyUnavailable as exc:
        return _retry_later(claimed, str(exc))
    except Exception as exc:  # an adapter bug must not lose the check: retry it too
        logger.exception("agency check %s failed unexpectedly", check_id)
        return _retry_later(claimed, f"{type(exc).__name__}: {exc}")
    return _record(claimed, verdict, facts)


def _retry_later(claimed: leases.Claim[AgencyCheck], error: str) -> str:
    run_after = timezone.now() + retry_delay(claimed.attempt)
    with transaction.atomic():
        check = leases.still_held(AgencyCheck, claimed, columns=LEASE)
        if check is None or check.status != CheckStatus.RUNNING:
            return "stale"
        check.status = CheckStatus.RETRYING
        check.lease_until = None
        check.next_attempt_at = run_after
        check.last_error = error[:300]
        check.save()
        announce_check(check)
        transaction.on_commit(lambda: enqueue(check.pk, run_after=run_after))
    return "retrying"


def _record(claimed: leases.Claim[AgencyCheck], verdict: verdicts.Verdict, facts: dict) -> str:
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
        check.save()
        announce_check(check)
        application_progress(check.item.application_id)
    return str(verdict.status)


def checks_requeue_stalled(*, now: dt.datetime | None = None) -> int:
    """Queue again every check whose worker died (lease ran out) or whose job was lost."""
    now = now or timezone.now()
    stalled = AgencyCheck.objects.filter(
        Q(status=CheckStatus.RUNNING, lease_until__lt=now)
        | Q(
            status__in=[CheckStatus.PENDING, CheckStatus.RETRYING],
            next_attempt_at__lt=now - dt.timedelta(seconds=30),
        ),
        item__application__state__in=CHECKING_STATES,
    ).values_list("pk", flat=True)
    ids = list(stalled)
    for pk in ids:
        AgencyCheck.objects.filter(pk=pk, status=CheckStatus.RUNNING, lease_until__lt=now).update(
            status=CheckStatus.PENDING, lease_until=None, next_attempt_at=now
        )
        AgencyCheck.objects.filter(pk=pk).exclude(status=CheckStatus.RUNNING).update(
            next_attempt_at=now
        )
        enqueue(pk)
    return len(ids)
