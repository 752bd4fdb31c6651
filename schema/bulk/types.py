"""GraphQL types of bulk renewals: the job, its workers with what became of each, the counts
by outcome, and a dry run's answer per worker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core import access
from core.applications.selectors import visible_applications
from core.bulk import models
from core.bulk.selectors import (
    WorkerOutcome,
    outcome,
    outcome_counts,
    visible_bulk_renewals,
)
from payments.bulk_preview import WorkerPreview
from schema.applications.errors import ApplicationError
from schema.applications.types import Application
from schema.core.types import Person
from schema.errors import to_errors
from schema.model_types import model_type
from schema.payments.preview import PreviewLine

BulkStateEnum = strawberry.enum(models.BulkState, name="BulkRenewalState")
WorkerOutcomeEnum = strawberry.enum(WorkerOutcome, name="BulkWorkerOutcome")


def problems_of(problems: list[dict[str, Any]], info: Info) -> list[ApplicationError]:
    """Kept problems (``code``, ``field``, both messages) as typed errors, in the viewer's
    language."""
    language = getattr(info.context, "language", "en")
    return [
        ApplicationError(
            field=p["field"],
            code=p["code"],
            message=p["message_ar"] if language == "ar" else p["message_en"],
            message_en=p["message_en"],
            message_ar=p["message_ar"],
        )
        for p in problems
    ]


@strawberry.type(description="How many of a bulk renewal's workers stand where.")
class BulkCounts:
    requested: int
    pending: int
    refused: int
    checking: int
    in_review: int
    waiting_for_documents: int
    awaiting_payment: int
    paid: int
    issued: int
    blocked: int
    cancelled: int

    @classmethod
    def of(cls, job: models.BulkRenewal) -> BulkCounts:
        return cls(requested=job.requested, **outcome_counts(job))


@strawberry_django.filter_type(models.BulkRenewalWorker)
class BulkWorkerFilter:
    @strawberry_django.filter_field(description="Only workers with these outcomes.")
    def outcome(self, value: list[WorkerOutcomeEnum], prefix: str) -> Any:
        return Q(**{f"{prefix}outcome__in": [v.value for v in value]})


@model_type(models.BulkRenewalWorker, name="BulkRenewalWorker", filters=BulkWorkerFilter)
class BulkRenewalWorker(relay.Node):
    position: int
    civil_id: str
    months: int

    @strawberry_django.field(only=["problems", "item_id"], description="What became of them.")
    def outcome(self, root: models.BulkRenewalWorker) -> WorkerOutcomeEnum:
        return WorkerOutcome(root.outcome)

    @strawberry_django.field(only=["problems"], description="Why the rules refused them.")
    def problems(self, root: models.BulkRenewalWorker, info: Info) -> list[ApplicationError]:
        return problems_of(root.problems, info)

    @strawberry_django.field(only=["person_id"])
    def person(self, root: models.BulkRenewalWorker, info: Info) -> Person | None:
        if root.person_id is None:
            return None
        return access.visible_people(info.context.user).filter(pk=root.person_id).first()

    @strawberry_django.field(
        only=["item_id"],
        description="The application they are on now (their own, when split "
        "off for an officer's review).",
    )
    def application(self, root: models.BulkRenewalWorker, info: Info) -> Application | None:
        if root.item_id is None:
            return None
        return visible_applications(info.context.user).filter(items__pk=root.item_id).first()

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        jobs = visible_bulk_renewals(info.context.user).values("pk")
        return queryset.filter(job__in=jobs).annotate(outcome=outcome())


@model_type(models.BulkRenewal, name="BulkRenewal")
class BulkRenewal(relay.Node):
    state: BulkStateEnum
    requested: int
    idempotency_key: str
    created_at: dt.datetime
    processed_at: dt.datetime | None
    workers: DjangoListConnection[BulkRenewalWorker] = strawberry_django.connection(
        filters=BulkWorkerFilter, description="Each worker asked for, in the request's order."
    )

    @strawberry_django.field(only=["id", "requested"], description="One query.")
    def counts(self, root: models.BulkRenewal) -> BulkCounts:
        return BulkCounts.of(root)

    @strawberry_django.field(
        only=["application_id"],
        description="The application of the workers submitted: pay it (`startPayment`) once "
        "it awaits payment, one KNET payment for all who cleared.",
    )
    def application(self, root: models.BulkRenewal, info: Info) -> Application | None:
        if root.application_id is None:
            return None
        return visible_applications(info.context.user).filter(pk=root.application_id).first()

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_bulk_renewals(info.context.user).values("pk"))


@strawberry.type(description="What a bulk renewal would give one worker: nothing is written.")
class BulkWorkerPreview:
    position: int
    civil_id: str
    eligible: bool
    problems: list[ApplicationError]
    months: int | None
    lines: list[PreviewLine]
    subtotal: Decimal

    @classmethod
    def of(cls, answer: WorkerPreview, info: Info) -> BulkWorkerPreview:
        person = answer.preview
        return cls(
            position=answer.position,
            civil_id=answer.civil_id,
            eligible=answer.eligible,
            problems=[e for p in answer.problems for e in to_errors(p, info, ApplicationError)],
            months=person.months if person is not None else answer.months,
            lines=[PreviewLine.of(line) for line in person.lines] if person is not None else [],
            subtotal=answer.subtotal,
        )


@strawberry.type(description="A bulk renewal's dry run: each worker as the preview answers.")
class BulkDryRun:
    workers: list[BulkWorkerPreview]

    @strawberry.field
    def eligible(self) -> int:
        return sum(1 for w in self.workers if w.eligible)

    @strawberry.field
    def refused(self) -> int:
        return sum(1 for w in self.workers if not w.eligible)

    @strawberry.field(description="What the eligible workers would pay, before the agencies.")
    def total(self) -> Decimal:
        return sum((w.subtotal for w in self.workers if w.eligible), Decimal("0.000"))
