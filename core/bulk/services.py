"""A bulk renewal: accepted at once, then worked through by the application workers.

``bulk_renewal_accept`` checks the request as a whole (who asks, for which sponsor, how many,
the key) and keeps it with its workers, in one transaction, answering in a moment whatever the
number; the same key again answers the same job. ``bulk_renewal_process`` (a task of the
workers) finds each worker on the sponsor's file by civil ID, puts everyone the renewal's rules
accept on one application and submits it; whoever they refuse is told why, worker by worker. A
refusal of one never holds up the others, nor does a check in review later
(``core.applications.progress`` moves such a worker to an application of their own).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from core import access
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.services import application_create
from core.bulk.errors import BulkErrorCode
from core.bulk.models import BulkRenewal, BulkRenewalWorker, BulkState
from core.civil_id import normalize_digits
from core.errors import DomainError, DomainErrors
from core.models import AuditAction, Dependent
from core.request_id import current_request_id, request_id_set
from core.scopes import Scope
from core.services.audit import audit
from core.services.idempotency import KEY, fingerprint

logger = logging.getLogger(__name__)

MAX_WORKERS = 1000


@dataclass(frozen=True)
class WorkerAsked:
    civil_id: str
    months: int


def _problem(error: DomainError, field: str) -> dict[str, Any]:
    return {
        "code": str(error.code),
        "field": field,
        "message_en": error.message_en,
        "message_ar": error.message_ar,
    }


def renewable_sponsor(actor: Any, sponsor_id: int | None) -> Any:
    """The sponsor, if the actor may renew its workers; NOT_FOUND as for a missing one."""
    sponsor = access.actable_sponsors(actor, Scope.RENEW).filter(pk=sponsor_id).first()
    if sponsor is None:
        raise DomainError(BulkErrorCode.NOT_FOUND, "sponsorId")
    return sponsor


def workers_asked(workers: list[WorkerAsked]) -> list[WorkerAsked]:
    """The request's workers, their civil IDs in one spelling; refuses an empty or too long
    list."""
    if not workers:
        raise DomainError(BulkErrorCode.NO_WORKERS, "workers")
    if len(workers) > MAX_WORKERS:
        raise DomainError(BulkErrorCode.TOO_MANY_WORKERS, "workers", {"max": MAX_WORKERS})
    return [WorkerAsked(normalize_digits(w.civil_id), w.months) for w in workers]


def people_on_file(sponsor_id: int, civil_ids: list[str]) -> dict[str, int]:
    """The people on the sponsor's file among these civil IDs, by civil ID: one query."""
    return dict(
        Dependent.objects.filter(
            sponsor_id=sponsor_id, ended_on__isnull=True, person__civil_id__in=civil_ids
        ).values_list("person__civil_id", "person_id")
    )


def screened(sponsor_id: int, civil_ids: list[str]) -> list[int | DomainError]:
    """Each worker asked for, by place: their person on the sponsor's file, or why not — named
    twice (the first mention counts), or not on the file (nobody, or someone else's: one
    answer). One query."""
    found = people_on_file(sponsor_id, civil_ids)
    first_place: dict[str, int] = {}
    answers: list[int | DomainError] = []
    for position, civil_id in enumerate(civil_ids):
        field = f"workers.{position}.civilId"
        if civil_id in first_place:
            words = {"first": first_place[civil_id]}
            answers.append(DomainError(ApplicationErrorCode.DUPLICATE_WORKER, field, words))
            continue
        first_place[civil_id] = position
        person_id = found.get(civil_id)
        answers.append(
            DomainError(ApplicationErrorCode.NOT_YOUR_DEPENDENT, field)
            if person_id is None
            else person_id
        )
    return answers


def bulk_renewal_accept(
    *, actor: Any, sponsor_id: int | None, workers: list[WorkerAsked], idempotency_key: str
) -> BulkRenewal:
    key = (idempotency_key or "").strip()
    if not KEY.fullmatch(key):
        raise DomainError(BulkErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotencyKey")
    sponsor = renewable_sponsor(actor, sponsor_id)
    asked = workers_asked(workers)
    printed = fingerprint({"workers": [(w.civil_id, w.months) for w in asked]})
    try:
        with transaction.atomic():
            return _accept(actor, sponsor, asked, key, printed)
    except IntegrityError:  # the same key at the same moment: the other request's job
        with transaction.atomic():
            return _accept(actor, sponsor, asked, key, printed)


def _accept(actor: Any, sponsor: Any, asked: list[WorkerAsked], key: str, printed: str) -> Any:
    existing = BulkRenewal.objects.filter(sponsor=sponsor, idempotency_key=key).first()
    if existing is not None:
        if existing.fingerprint != printed:
            raise DomainError(BulkErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotencyKey")
        return existing
    job = BulkRenewal.objects.create(
        sponsor=sponsor,
        created_by=actor,
        token=access.acting_token(actor),
        idempotency_key=key,
        fingerprint=printed,
        requested=len(asked),
    )
    BulkRenewalWorker.objects.bulk_create(
        BulkRenewalWorker(job=job, position=i, civil_id=w.civil_id, months=w.months)
        for i, w in enumerate(asked)
    )
    audit(
        actor=actor,
        sponsor=sponsor,
        action=AuditAction.BULK_RENEWAL_ACCEPTED,
        target=job,
        detail={"workers": len(asked)},
    )
    transaction.on_commit(
        lambda: process_bulk_renewal.enqueue(job.pk, request_id=current_request_id())
    )
    return job


@task()
def process_bulk_renewal(job_id: int, request_id: str = "-") -> str:
    with request_id_set(request_id):
        return bulk_renewal_process(job_id=job_id)


def bulk_renewal_process(*, job_id: int) -> str:
    """Renew the job's workers the rules accept, on one application, submitted; tell the others
    why not. Once: a job already processed is left alone."""
    with transaction.atomic():
        job = BulkRenewal.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != BulkState.ACCEPTED:
            return "skipped"
        workers = list(job.workers.order_by("position"))
        candidates: list[BulkRenewalWorker] = []
        for worker, screen in zip(
            workers, screened(job.sponsor_id, [w.civil_id for w in workers]), strict=True
        ):
            if isinstance(screen, DomainError):
                worker.problems = [_problem(screen, screen.field)]
            else:
                worker.person_id = screen
                candidates.append(worker)
        application = _renew(job, candidates)
        job.application = application
        job.state = BulkState.SUBMITTED if application is not None else BulkState.NOTHING_TO_RENEW
        job.processed_at = timezone.now()
        job.save(update_fields=["application", "state", "processed_at"])
        BulkRenewalWorker.objects.bulk_update(workers, ["person", "problems", "item"])
    renewed = sum(1 for w in workers if w.item_id is not None)
    return f"bulk renewal {job_id}: {renewed} submitted, {len(workers) - renewed} refused"


def _renew(job: BulkRenewal, candidates: list[BulkRenewalWorker]) -> Any:
    """One application of every candidate the rules accept, submitted; each refused one gets
    the rules' reasons. The rules answer for everyone at once, so a second pass without the
    refused ones goes through."""
    remaining = list(candidates)
    while remaining:
        choices = [PersonChoice(person_id=w.person_id, months=w.months) for w in remaining]
        try:
            with transaction.atomic():
                application = application_create(
                    actor=job.created_by,
                    kind=RENEWAL.name,
                    sponsor_id=job.sponsor_id,
                    people=choices,
                    submit=True,
                )
        except (DomainError, DomainErrors) as exc:
            refused = _refusals(exc, remaining)
            if not refused:  # about the request as a whole (the sponsor, say): everyone
                for worker in remaining:
                    field = f"workers.{worker.position}"
                    errors = getattr(exc, "errors", [exc])
                    worker.problems = [_problem(error, field) for error in errors]
                return None
            remaining = [w for w in remaining if w.position not in refused]
            continue
        items = {item.person_id: item.pk for item in application.items.all()}
        for worker in remaining:
            worker.item_id = items[worker.person_id]
        return application
    return None


def _refusals(exc: DomainError | DomainErrors, remaining: list[BulkRenewalWorker]) -> set[int]:
    """Put each per-person error (its field ``people.<index>…``) on the worker it is about;
    the positions of the workers refused."""
    refused: set[int] = set()
    for error in getattr(exc, "errors", [exc]):
        parts = (error.field or "").split(".")
        if len(parts) < 2 or parts[0] != "people" or not parts[1].isdigit():
            continue
        worker = remaining[int(parts[1])]
        rest = ".".join(parts[2:])
        field = f"workers.{worker.position}" + (f".{rest}" if rest else "")
        if worker.position not in refused:
            worker.problems = []
        worker.problems.append(_problem(error, field))
        refused.add(worker.position)
    return refused
