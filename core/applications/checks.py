"""Agency checks run in background workers, durably.

The ``AgencyCheck`` row is the unit of work and its own queue: nothing else is queued for it,
so a check can never be queued twice. A worker claims due checks in batches (``claim_due``: one
transaction; rows another worker holds are skipped, not waited for; each claimed check gets a
lease, one more attempt and its RUNNING event), asks their agencies concurrently outside any
transaction (``ask``: no database), then records the answers that came in together
(``record_answers``: one transaction) for the checks whose claim still holds, and hands their
applications to ``progress``. A worker killed mid-check leaves a lease that runs out;
``checks_requeue_stalled`` (a periodic job of the workers) hands such checks back, once. An
agency outage leaves the check retrying with backoff, never failing the application.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.agencies import registry
from core.agencies.base import AgencyUnavailable, Subject
from core.applications import verdicts
from core.applications.history import announce_check, events_batched
from core.applications.kinds import kind_of
from core.applications.models import AgencyCheck, AgencyName, Application, CheckStatus
from core.applications.progress import applications_progress
from core.applications.states import CHECKING_STATES
from core.law.rules import Law
from core.request_id import request_id_set

logger = logging.getLogger(__name__)

WAITING = [CheckStatus.PENDING, CheckStatus.RETRYING]
# What asking an agency about a check reads, loaded with the claim.
CLAIMED_WITH = ("item__person", "item__permit__holder", "item__application__sponsor__person")


def lease() -> dt.timedelta:
    """How long a claim on a check lasts (``CHECK_LEASE_SECONDS``: above the slowest agency's
    answer, else a second worker takes over a check still being asked)."""
    return dt.timedelta(seconds=settings.CHECK_LEASE_SECONDS)


def retry_delay(attempts: int) -> dt.timedelta:
    """The backoff after a failed attempt: ``CHECK_RETRY_DELAYS`` by attempt, the last
    repeating."""
    delays = settings.CHECK_RETRY_DELAYS
    return dt.timedelta(seconds=delays[min(attempts, len(delays)) - 1])


@dataclass(frozen=True)
class Claimed:
    """A check this worker holds: ``attempt`` is the one it counted (its claim holds while the
    row's attempts are still that)."""

    check: AgencyCheck
    attempt: int


@dataclass(frozen=True)
class Answer:
    """What asking the agency gave: its facts about ``subject``, or the error."""

    claimed: Claimed
    asked_ms: int
    facts: Any = None
    subject: Subject | None = None
    error: str = ""


def claim_due(limit: int, *, check_ids: Collection[int] | None = None) -> list[Claimed]:
    """Claim up to ``limit`` due checks (of ``check_ids`` only, when given) of applications
    still being checked, the longest due first, skipping those another worker has locked;
    their RUNNING events are written in the same transaction."""
    now = timezone.now()
    with transaction.atomic(), events_batched():
        due = (
            AgencyCheck.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*CLAIMED_WITH)
            .filter(
                status__in=WAITING,
                next_attempt_at__lte=now,
                item__application__state__in=CHECKING_STATES,
            )
        )
        if check_ids is not None:
            due = due.filter(pk__in=check_ids)
        rows = list(due.order_by("next_attempt_at", "pk")[:limit])
        if not rows:
            return []
        until = now + lease()
        AgencyCheck.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=CheckStatus.RUNNING,
            attempts=F("attempts") + 1,
            lease_until=until,
            updated_at=now,
        )
        for row in rows:
            row.status, row.attempts, row.lease_until = CheckStatus.RUNNING, row.attempts + 1, until
            row.updated_at = now
            announce_check(row, request_id=row.request_id)
    return [Claimed(row, row.attempts) for row in rows]


def ask(claimed: Claimed) -> Answer:
    """Ask the agency about a claimed check. Reads nothing from the database (the claim loaded
    what the kind's subject needs), so any number of these run at once."""
    check = claimed.check
    started = time.monotonic()
    with request_id_set(check.request_id or "-"):
        try:
            subject = kind_of(check.item.application).subject(check.item, timezone.localdate())
            facts = registry.ask(check.agency, subject)
        except AgencyUnavailable as exc:
            return Answer(claimed, _ms_since(started), error=str(exc))
        except Exception as exc:  # an adapter bug must not lose the check: retry it too
            logger.exception("agency check %s failed unexpectedly", check.pk)
            return Answer(claimed, _ms_since(started), error=f"{type(exc).__name__}: {exc}")
    return Answer(claimed, _ms_since(started), facts=facts, subject=subject)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _verdict(answer: Answer, law: Law) -> verdicts.Verdict:
    """What the agency's facts mean (``verdicts``)."""
    agency, facts, subject = answer.claimed.check.agency, answer.facts, answer.subject
    if agency == AgencyName.HEALTH:
        return verdicts.insurance(facts, end=subject.period_end)
    if agency == AgencyName.FINES:
        return verdicts.fines(facts)
    if agency == AgencyName.COURTS:
        return verdicts.courts(facts, law)
    return verdicts.work_permit(
        facts, end=subject.period_end, employer_file=subject.employer_file_number
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _judged(answers: list[Answer], law: Law) -> list[tuple[Answer, verdicts.Verdict | None]]:
    """Each answer with its verdict; an answer that cannot be judged (a bug) is retried."""
    judged = []
    for answer in answers:
        if answer.error:
            judged.append((answer, None))
            continue
        try:
            judged.append((answer, _verdict(answer, law)))
        except Exception as exc:
            logger.exception("judging agency check %s failed", answer.claimed.check.pk)
            failed = dataclasses.replace(answer, error=f"{type(exc).__name__}: {exc}")
            judged.append((failed, None))
    return judged


RECORDED_FIELDS = [
    "status",
    "amount",
    "detail_en",
    "detail_ar",
    "facts",
    "lease_until",
    "next_attempt_at",
    "last_error",
    "asked_ms",
    "updated_at",
]


def record_answers(answers: list[Answer]) -> list[str]:
    """Record the answers in one transaction, each only if its claim still holds (else
    ``stale``: the lease ran out and another worker took the check over), then move their
    applications on. Answers each check's outcome, in order: its new status, ``retrying`` or
    ``stale``."""
    judged = _judged(answers, Law())
    now = timezone.now()
    with transaction.atomic(), events_batched():
        # The applications first, then the checks: every writer locks in this order.
        application_ids = sorted({a.claimed.check.item.application_id for a in answers})
        applications = {
            application.pk: application
            for application in Application.objects.select_for_update(of=("self",), no_key=True)
            .select_related("sponsor")
            .filter(pk__in=application_ids)
            .order_by("pk")
        }
        holding = dict(
            AgencyCheck.objects.select_for_update()
            .filter(pk__in=[a.claimed.check.pk for a in answers], status=CheckStatus.RUNNING)
            .order_by("pk")
            .values_list("pk", "attempts")
        )
        outcomes, recorded = [], []
        for answer, verdict in judged:
            check = answer.claimed.check
            if holding.get(check.pk) != answer.claimed.attempt:
                outcomes.append("stale")
                continue
            _apply(check, answer, verdict, now)
            check.item.application = applications[check.item.application_id]
            recorded.append(check)
            outcomes.append(str(check.status))
        _save_answers(recorded)
        for check in recorded:
            announce_check(check, request_id=check.request_id)
        applications_progress(
            [applications[i] for i in sorted({c.item.application_id for c in recorded})]
        )
    return outcomes


def _save_answers(recorded: list[AgencyCheck]) -> None:
    """One UPDATE per check, sent together: the ORM's ``bulk_update`` builds a CASE per column
    and row, which costs more to put together than the rows cost to write."""
    if not recorded:
        return
    fields = [AgencyCheck._meta.get_field(name) for name in RECORDED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(AgencyCheck._meta.db_table)} SET {assignments} WHERE id = %s"
    rows = [
        [field.get_db_prep_save(getattr(check, field.attname), connection) for field in fields]
        + [check.pk]
        for check in recorded
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _apply(check: AgencyCheck, answer: Answer, verdict: verdicts.Verdict | None, now) -> None:
    check.lease_until = None
    check.asked_ms = answer.asked_ms
    check.updated_at = now
    if verdict is None:
        check.status = CheckStatus.RETRYING
        check.next_attempt_at = now + retry_delay(answer.claimed.attempt)
        check.last_error = answer.error[:300]
        return
    check.status = verdict.status
    check.amount = verdict.owed
    check.detail_en, check.detail_ar = verdict.detail_en, verdict.detail_ar
    check.facts = _jsonable(dataclasses.asdict(answer.facts))
    check.last_error = ""


def check_run(*, check_id: int) -> str:
    """Claim, ask and record one check now (tests, the admin): ``skipped`` when it is not due,
    held by a worker, or its application is no longer being checked."""
    claimed = claim_due(1, check_ids=[check_id])
    if not claimed:
        return "skipped"
    (outcome,) = record_answers([ask(claimed[0])])
    return outcome


def checks_requeue_stalled(*, now: dt.datetime | None = None) -> int:
    """Hand back the checks whose worker died (running, their lease ran out): pending again,
    due now, for the next claim. A check held under a live lease, or waiting to be claimed,
    is left alone."""
    now = now or timezone.now()
    return AgencyCheck.objects.filter(
        Q(status=CheckStatus.RUNNING, lease_until__lt=now),
        item__application__state__in=CHECKING_STATES,
    ).update(status=CheckStatus.PENDING, lease_until=None, next_attempt_at=now, updated_at=now)


def checks_sweep() -> str:
    """The sweeper as the workers' periodic job: what it did, for the log."""
    count = checks_requeue_stalled()
    return f"requeued {count} stalled agency checks" if count else ""
