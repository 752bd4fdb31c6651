"""``bulkRenewal``: up to a thousand workers by civil ID, with a key; a dry run answers each
from the preview and writes nothing; otherwise one job, accepted at once."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.bulk.errors import BulkErrorCode
from core.bulk.services import MAX_WORKERS, WorkerAsked, bulk_renewal_accept
from payments.bulk_preview import bulk_renewal_dry_run
from schema.bulk.types import BulkDryRun, BulkRenewal, BulkWorkerPreview
from schema.errors import Error, pk_of, run_domain

BulkErrorCodeEnum = strawberry.enum(BulkErrorCode, name="BulkErrorCode")


@strawberry.type
class BulkError(Error):
    code: BulkErrorCodeEnum


@strawberry.input(description="A worker to renew: on your file, by civil ID.")
class BulkWorkerInput:
    civil_id: str
    months: int


@strawberry.type
class BulkRenewalPayload:
    job: BulkRenewal | None = strawberry.field(
        default=None, description="The job (not with a dry run): the same key gives the same job."
    )
    dry_run: BulkDryRun | None = strawberry.field(
        default=None, description="With `dryRun: true`: each worker as the preview answers."
    )
    errors: list[BulkError] = strawberry.field(default_factory=list)


@strawberry.type
class BulkMutation:
    @strawberry_django.mutation(
        description=f"Renew up to {MAX_WORKERS} workers of a company at once. `dryRun: true` "
        "answers per worker (eligible, the reasons why not, the price) and writes nothing; "
        "otherwise the job is accepted at once and worked through in the background: the "
        "workers the rules refuse are told why, the rest are submitted on one application "
        "(paid with one KNET payment); a check in review moves that worker to an application "
        "of their own. Follow it with `node(id)` or `bulkRenewalUpdated`."
    )
    def bulk_renewal(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        workers: list[BulkWorkerInput],
        idempotency_key: str,
        dry_run: bool = False,
    ) -> BulkRenewalPayload:
        asked = [WorkerAsked(w.civil_id, w.months) for w in workers]
        sponsor = pk_of(sponsor_id, "Sponsor")
        user = info.context.user
        if dry_run:
            answers, errors = run_domain(
                info,
                BulkError,
                lambda: bulk_renewal_dry_run(actor=user, sponsor_id=sponsor, workers=asked),
            )
            preview = (
                BulkDryRun(workers=[BulkWorkerPreview.of(a, info) for a in answers])
                if answers is not None
                else None
            )
            return BulkRenewalPayload(dry_run=preview, errors=errors)
        job, errors = run_domain(
            info,
            BulkError,
            lambda: bulk_renewal_accept(
                actor=user, sponsor_id=sponsor, workers=asked, idempotency_key=idempotency_key
            ),
        )
        return BulkRenewalPayload(job=job, errors=errors)
