"""GraphQL subscriptions. Authorization is checked before listening: a caller who may not see
the object gets an error and never joins its group."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from asgiref.sync import sync_to_async
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


def _visible_permit(user, pk: int | None) -> PermitModel | None:
    if pk is None:
        return None
    return access.visible_permits(user).filter(pk=pk).first()


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every change to one permit you may see.")
    async def permit_updated(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[PermitEvent, None]:
        pk = pk_of(id, "ResidencyPermit")
        if await sync_to_async(_visible_permit)(info.context.user, pk) is None:
            raise PermissionError("Not found.")
        ws = info.context.ws
        async with ws.listen_to_channel(PERMIT_CHANGED, groups=[permit_group(pk)]) as messages:
            async for message in messages:
                permit = await sync_to_async(_visible_permit)(info.context.user, pk)
                if permit is None:
                    return
                yield PermitEvent(kind=message["kind"], permit=permit, sent_at=message["sent_at"])
