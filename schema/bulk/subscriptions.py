"""``bulkRenewalUpdated``: a bulk renewal's counts by outcome, live.

Counts are state, not events: any step of the sponsor's applications wakes the subscription,
which reads the counts again (one query) at most every ``COALESCE_SECONDS`` and sends them when
they changed; a read every ``HEARTBEAT_SECONDS`` covers a wake-up lost (Redis away), so nothing
is missed and a thousand workers' checks make a few updates a second, not thousands. It ends
when every worker has an outcome that will not change without a person (renewed, refused,
blocked, cancelled). Who may: who may see the sponsor's workers, asked again at each read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from core.bulk.models import BulkRenewal as BulkRenewalModel
from core.bulk.selectors import WorkerOutcome, visible_bulk_renewals
from realtime.groups import APPLICATION_CHANGED, sponsor_applications_group
from schema.bulk.types import BulkCounts, BulkRenewal
from schema.errors import pk_of

COALESCE_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
FINAL = frozenset(
    {WorkerOutcome.ISSUED, WorkerOutcome.REFUSED, WorkerOutcome.BLOCKED, WorkerOutcome.CANCELLED}
)


@strawberry.type(description="A bulk renewal's counts by outcome, when they change.")
class BulkRenewalProgress:
    counts: BulkCounts
    done: bool = strawberry.field(
        description="Every worker renewed, refused, blocked or cancelled: the last update."
    )
    job_id: strawberry.Private[int]

    @strawberry.field(description="The job, read again (costs a query).")
    async def job(self, info: Info) -> BulkRenewal | None:
        return await sync_to_async(_visible)(info.context.user, self.job_id)


def _visible(user: Any, pk: int | None) -> BulkRenewalModel | None:
    return visible_bulk_renewals(user).filter(pk=pk).first()


def _progress(user: Any, pk: int) -> BulkRenewalProgress | None:
    job = _visible(user, pk)
    if job is None:
        return None
    counts = BulkCounts.of(job)
    settled = sum(getattr(counts, outcome.value) for outcome in FINAL)
    done = job.state != "accepted" and settled == job.requested
    return BulkRenewalProgress(counts=counts, done=done, job_id=job.pk)


@strawberry.type
class BulkSubscription:
    @strawberry.subscription(
        description="A bulk renewal's counts by outcome, now and whenever they change, until "
        "every worker is renewed, refused, blocked or cancelled."
    )
    async def bulk_renewal_updated(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[BulkRenewalProgress, None]:
        user = info.context.user
        pk = pk_of(id, "BulkRenewal")
        job = await sync_to_async(_visible)(user, pk)
        if job is None:
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        wake = asyncio.Event()

        async def listen() -> None:
            groups = [sponsor_applications_group(job.sponsor_id)]
            async with info.context.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as m:
                async for _ in m:
                    wake.set()

        listener = asyncio.create_task(listen())
        last: BulkCounts | None = None
        try:
            while True:
                progress = await sync_to_async(_progress)(user, job.pk)
                if progress is None:  # no longer theirs to see
                    return
                if progress.counts != last:
                    last = progress.counts
                    yield progress
                if progress.done:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), HEARTBEAT_SECONDS)
                wake.clear()
                await asyncio.sleep(COALESCE_SECONDS)
        finally:
            listener.cancel()
