"""The reminders of permits expiring soon, live. Authorization is checked before listening (only
who may see the sponsor's workers: ``core.reminders.selectors``), and again for each reminder,
so a user who no longer may stops hearing of them at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from core import access
from core.models import ResidencyPermit as PermitModel
from core.reminders.selectors import reminded_sponsors
from realtime.groups import PERMIT_REMINDER, sponsor_reminders_group
from schema.core.types import ResidencyPermit
from schema.errors import pk_of


@strawberry.type(
    description="A permit expires soon: sent once per permit and expiry date, "
    "`PERMIT_REMINDER_DAYS` (30) days ahead, to those who may see the sponsor's workers."
)
class PermitReminder:
    permit_id: relay.GlobalID
    holder_id: relay.GlobalID
    sponsor_id: relay.GlobalID
    article: int
    expires_on: dt.date
    days_left: int = strawberry.field(description="Days from the reminder to the expiry.")
    reminded_at: dt.datetime
    sent_at: float = strawberry.field(description="Unix time the event left the publisher.")

    @strawberry.field(description="The permit, read again (costs a query).")
    async def permit(self, info: Info) -> ResidencyPermit | None:
        pk = int(self.permit_id.node_id)
        return await sync_to_async(_visible_permit)(info.context.user, pk)


def _visible_permit(user: Any, pk: int) -> PermitModel | None:
    return access.visible_permits(user).filter(pk=pk).first()


def _watched(user: Any) -> list[int]:
    return list(reminded_sponsors(user).values_list("pk", flat=True))


def _still_watches(user: Any, sponsor_id: int) -> bool:
    """Asked afresh for each reminder: a token's scopes are its creator's now (read again),
    a session's are the database's."""
    token = access.acting_token(user)
    if token is not None and not access.token_still_holds(token):
        return False
    return reminded_sponsors(user).filter(pk=sponsor_id).exists()


def reminder_of(message: dict[str, Any]) -> PermitReminder:
    reminder = message["reminder"]
    return PermitReminder(
        permit_id=relay.GlobalID("ResidencyPermit", str(reminder["permit_id"])),
        holder_id=relay.GlobalID("Person", str(reminder["holder_id"])),
        sponsor_id=relay.GlobalID("Sponsor", str(reminder["sponsor_id"])),
        article=reminder["article"],
        expires_on=dt.date.fromisoformat(reminder["expires_on"]),
        days_left=reminder["days_left"],
        reminded_at=dt.datetime.fromisoformat(reminder["at"]),
        sent_at=message["sent_at"],
    )


@strawberry.type
class ReminderSubscription:
    @strawberry.subscription(
        description="Reminders of the permits expiring soon of the sponsors whose workers you "
        "may see (of one sponsor, when given), as the workers' sweep sends them. Then "
        "`permits(filters: {status: EXPIRING})` lists who is due."
    )
    async def permit_reminders(
        self, info: Info, sponsor_id: relay.GlobalID | None = None
    ) -> AsyncGenerator[PermitReminder, None]:
        user = info.context.user
        watched = await sync_to_async(_watched)(user)
        if sponsor_id is not None:
            pk = pk_of(sponsor_id, "Sponsor")
            if pk not in watched:
                raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
            watched = [pk]
        if not watched:
            raise GraphQLError(
                "Sign in as a sponsor, or as staff of one, to watch reminders.",
                extensions={"code": "NOT_AUTHENTICATED"},
            )
        groups = [sponsor_reminders_group(pk) for pk in watched]
        async with info.context.ws.listen_to_channel(PERMIT_REMINDER, groups=groups) as messages:
            async for message in messages:
                if message.get("group") not in groups:  # another subscription's
                    continue
                sponsor = message["reminder"]["sponsor_id"]
                if not await sync_to_async(_still_watches)(user, sponsor):
                    continue
                yield reminder_of(message)
