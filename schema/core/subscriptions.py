"""Subscriptions to residency permits. Authorization is checked before listening, and again
for each change (a permit can leave the viewer's sight)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from core import access
from core.models import ResidencyPermit as PermitModel
from realtime.groups import PERMIT_CHANGED, permit_group
from schema.core.enums import PermitChangeKindEnum
from schema.core.types import ResidencyPermit
from schema.errors import pk_of


@strawberry.type(description="A change to a residency permit, sent after it is committed.")
class PermitEvent:
    kind: PermitChangeKindEnum
    permit: ResidencyPermit
    sent_at: float = strawberry.field(description="Unix time the event left the publisher.")


def _visible_permit(user: Any, pk: int | None) -> PermitModel | None:
    if pk is None:
        return None
    return access.visible_permits(user).filter(pk=pk).first()


@strawberry.type
class PermitSubscription:
    @strawberry.subscription(description="Every change to one permit you may see.")
    async def permit_updated(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[PermitEvent, None]:
        pk = pk_of(id, "ResidencyPermit")
        if await sync_to_async(_visible_permit)(info.context.user, pk) is None:
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        groups = [permit_group(pk)]
        async with info.context.ws.listen_to_channel(PERMIT_CHANGED, groups=groups) as messages:
            async for message in messages:
                if message.get("group") not in groups:
                    continue
                permit = await sync_to_async(_visible_permit)(info.context.user, pk)
                if permit is None:
                    return
                yield PermitEvent(kind=message["kind"], permit=permit, sent_at=message["sent_at"])
