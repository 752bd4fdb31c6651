"""Running agency checks in background workers, durably.

The ``AgencyCheck`` row is the unit of work. A worker *claims* it (status running, a lease, one
more attempt) in a short transaction, asks the agency outside any transaction, then records the
answer if its claim still stands. A worker killed mid-check leaves a lease that runs out;
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

from core.agencies.base import AgencyUnavailable, Subject
from core.renewals import eligibility
from core.renewals.eligibility import CheckResult
from core.renewals.fees import amount_due
from core.renewals.models import (
    FINISHED_CHECKS,
    AgencyCheck,
    CheckStatus,
    RenewalApplication,
)
from core.renewals.services import application_transition, record_event
from core.renewals.states import CHECKING_STATES, State

logger = logging.getLogger(__name__)


def lease() -> dt.timedelta:
    """How long a claim on a check lasts (``settings.CHECK_LEASE_SECONDS``, read at call time)."""
    return dt.timedelta(seconds=settings.CHECK_LEASE_SECONDS)


def retry_delay(attempts: int) -> dt.timedelta:
    """The backoff after a failed attempt: ``settings.CHECK_RETRY_DELAYS`` by attempt, the last
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


def _claim(check_id: int) -> tuple[AgencyCheck, int] | None:
    now = timezone.now()
    with transaction.atomic():
        check = (
            AgencyCheck.objects.select_for_update(of=("self",))
            .select_related("item__permit__holder", "item__application__sponsor__person")
            .filter(pk=check_id)
            .first()
        )
        if check is None or check.status in FINISHED_CHECKS:
            return None
        if check.status == CheckStatus.RUNNING and check.lease_until and check.lease_until > now:
            return None  # another worker holds it
        if check.next_attempt_at > now + dt.timedelta(seconds=1):
            return None  # not due yet; its own delayed job will come
        if check.item.application.state not in CHECKING_STATES:
            return None
        check.status = CheckStatus.RUNNING
        check.attempts += 1
        check.lease_until = now + lease()
        check.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
        announce_check(check)
        return check, check.attempts


def _subject(check: AgencyCheck) -> Subject:
    item = check.item
    holder = item.permit.holder
    sponsor = item.application.sponsor
    start, end = eligibility.renewal_period(item.permit, item.months or 0, timezone.localdate())
    return Subject(
        civil_id=holder.civil_id,
        name_en=holder.name_en,
        nationality=holder.nationality,
        date_of_birth=holder.date_of_birth,
        period_start=start,
        period_end=end,
        sponsor_civil_id=sponsor.person.civil_id if sponsor.person_id else None,
        employer_file_number=sponsor.manpower_file_number or None,
    )


def _ask(check: AgencyCheck) -> tuple[CheckResult, dict]:
    """Ask the agency and interpret its facts by the rules in ``eligibility``."""
    from core.agencies import registry  # settings pick the adapters at call time

    subject = _subject(check)
    months = check.item.months or 0
    if check.agency == "health":
        facts = registry.health_agency().insurance(subject)
        result = eligibility.insurance_result(
            facts, start=subject.period_start, end=subject.period_end, months=months
        )
    elif check.agency == "fines":
        facts = registry.fines_agency().fines(subject)
        result = eligibility.fines_result(facts)
    elif check.agency == "courts":
        facts = registry.courts_agency().records(subject)
        result = eligibility.courts_result(facts)
    else:
        facts = registry.manpower_agency().work_permit(subject)
        result = eligibility.work_permit_result(
            facts, end=subject.period_end, employer_file=subject.employer_file_number
        )
    return result, _jsonable(dataclasses.asdict(facts))


def _jsonable(value):
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
    check, attempt = claimed
    try:
        result, facts = _ask(check)
    except AgencyUnavailable as exc:
        return _retry_later(check.pk, attempt, str(exc))
    except Exception as exc:  # an adapter bug must not lose the check: retry it too
        logger.exception("agency check %s failed unexpectedly", check.pk)
        return _retry_later(check.pk, attempt, f"{type(exc).__name__}: {exc}")
    return _record(check.pk, attempt, result, facts)


def _retry_later(check_id: int, attempt: int, error: str) -> str:
    run_after = timezone.now() + retry_delay(attempt)
    with transaction.atomic():
        check = (
            AgencyCheck.objects.select_for_update()
            .select_related("item__application")
            .get(pk=check_id)
        )
        if check.status != CheckStatus.RUNNING or check.attempts != attempt:
            return "stale"
        check.status = CheckStatus.RETRYING
        check.lease_until = None
        check.next_attempt_at = run_after
        check.last_error = error[:300]
        check.save()
        announce_check(check)
        transaction.on_commit(lambda: enqueue(check_id, run_after=run_after))
    return "retrying"


def _record(check_id: int, attempt: int, result: CheckResult, facts: dict) -> str:
    with transaction.atomic():
        check = (
            AgencyCheck.objects.select_for_update()
            .select_related("item__application")
            .get(pk=check_id)
        )
        if check.status != CheckStatus.RUNNING or check.attempts != attempt:
            return "stale"  # our lease ran out and another worker took over
        check.status = result.status
        check.amount = result.amount
        check.detail_en, check.detail_ar = result.detail_en, result.detail_ar
        check.facts = facts
        check.lease_until = None
        check.last_error = ""
        check.save()
        announce_check(check)
        application_progress(check.item.application_id)
    return str(result.status)


def announce_check(check: AgencyCheck, *, actor: Any = None, kind: str = "check") -> None:
    """Put the check's new status in the application's history (and so on the websocket)."""
    record_event(check.item.application, actor=actor, kind=kind, detail=check_event_detail(check))


def check_event_detail(check: AgencyCheck) -> dict:
    return {
        "check_id": check.pk,
        "person_id": check.item.person_id,
        "agency": check.agency,
        "status": check.status,
        "attempts": check.attempts,
        "amount": str(check.amount),
        "detail_en": check.detail_en,
        "detail_ar": check.detail_ar,
    }


def application_progress(application_id: int) -> None:
    """After a check finishes: reject blocked items; when every check of the remaining items
    has cleared and the documents are all there, the application awaits payment with its
    amount due (else it waits for the documents it lacks)."""
    from core.renewals import documents

    application = RenewalApplication.objects.select_for_update().get(pk=application_id)
    if application.state not in CHECKING_STATES:
        return
    live_items = list(application.items.exclude(state=State.REJECTED).prefetch_related("checks"))
    for item in live_items:
        if any(c.status == CheckStatus.BLOCKED for c in item.checks.all()):
            item.state = State.REJECTED
            item.open_person = None
            item.save(update_fields=["state", "open_person"])
    remaining = [i for i in live_items if i.state != State.REJECTED]
    if not remaining:
        application_transition(
            application, State.REJECTED, actor=None, reason="every person was blocked by a check"
        )
        return
    statuses = [c.status for item in remaining for c in item.checks.all()]
    if application.state == State.CHECKING and all(s == CheckStatus.CLEAR for s in statuses):
        if documents.documents_required() and not documents.request_missing(
            application, actor=None
        ):
            documents.wait_for_documents(application, actor=None, reason="documents missing")
            return
        application.amount_due = amount_due(remaining)
        application.save(update_fields=["amount_due"])
        application_transition(application, State.AWAITING_PAYMENT, actor=None)


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
