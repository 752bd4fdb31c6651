"""Who may see which bulk renewal, and what became of each of its workers (read from their
item, whichever application it is on now)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from core import access
from core.applications.models import AgencyCheck, CheckStatus
from core.applications.states import State
from core.bulk.models import BulkRenewal, BulkRenewalWorker
from core.scopes import Scope


class WorkerOutcome(models.TextChoices):
    PENDING = "pending", "Not taken up yet"
    REFUSED = "refused", "Refused by the rules (see its problems)"
    CHECKING = "checking", "The agencies are checking"
    IN_REVIEW = "in_review", "An officer is reviewing a check"
    WAITING_FOR_DOCUMENTS = "waiting_for_documents", "Waiting for documents"
    AWAITING_PAYMENT = "awaiting_payment", "Cleared: awaiting payment"
    PAID = "paid", "Paid"
    ISSUED = "issued", "Renewed"
    BLOCKED = "blocked", "Blocked by a check"
    CANCELLED = "cancelled", "Cancelled"


BY_ITEM_STATE = {
    State.SUBMITTED: WorkerOutcome.CHECKING,
    State.CHECKING: WorkerOutcome.CHECKING,
    State.WAITING_FOR_DOCUMENTS: WorkerOutcome.WAITING_FOR_DOCUMENTS,
    State.AWAITING_PAYMENT: WorkerOutcome.AWAITING_PAYMENT,
    State.PAID: WorkerOutcome.PAID,
    State.ISSUED: WorkerOutcome.ISSUED,
    State.REJECTED: WorkerOutcome.BLOCKED,
    State.CANCELLED: WorkerOutcome.CANCELLED,
}


def visible_bulk_renewals(user: Any) -> QuerySet[BulkRenewal]:
    """Those of the sponsors whose workers the user may see (and the back office's)."""
    if access.is_back_office(user):
        return BulkRenewal.objects.all()
    return BulkRenewal.objects.filter(sponsor__in=access.sponsor_ids_with(user, Scope.VIEW_WORKERS))


def outcome() -> Case:
    """Each worker's outcome, as an annotation (one query for any number of workers)."""
    in_review = Exists(
        AgencyCheck.objects.filter(item_id=OuterRef("item_id"), status=CheckStatus.REVIEW)
    )
    return Case(
        When(~Q(problems=[]), then=Value(WorkerOutcome.REFUSED)),
        When(item__isnull=True, then=Value(WorkerOutcome.PENDING)),
        When(
            Q(item__state__in=[State.CHECKING, State.SUBMITTED]) & in_review,
            then=Value(WorkerOutcome.IN_REVIEW),
        ),
        *(When(item__state=state, then=Value(result)) for state, result in BY_ITEM_STATE.items()),
        default=Value(WorkerOutcome.CHECKING),
        output_field=models.CharField(),
    )


def workers_with_outcome(job: BulkRenewal) -> QuerySet[BulkRenewalWorker]:
    return (
        BulkRenewalWorker.objects.filter(job_id=job.pk)
        .annotate(outcome=outcome())
        .select_related("item", "person")
    )


def outcome_counts(job: BulkRenewal) -> dict[str, int]:
    """How many of the job's workers stand where: every outcome, zero when none. Read from the
    table, not the job's related manager (a page of workers prefetched for the same request
    would stand in for all of them)."""
    counts = dict.fromkeys(WorkerOutcome.values, 0)
    rows = (
        BulkRenewalWorker.objects.filter(job_id=job.pk)
        .annotate(outcome=outcome())
        .values("outcome")
        .annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        counts[row["outcome"]] = row["n"]
    return counts
