"""GraphQL subscriptions. Authorization is checked before listening: a caller who may not see
the object gets an error and never joins its group."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from decimal import Decimal

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from core import access
from core.models import ResidencyPermit as PermitModel
from core.renewals import models as renewal_models
from realtime.groups import (
    APPLICATION_CHANGED,
    PERMIT_CHANGED,
    application_group,
    permit_group,
    sponsor_applications_group,
)
from schema.core.enums import PermitChangeKindEnum
from schema.core.types import ResidencyPermit
from schema.errors import pk_of
from schema.renewals.types import (
    ApplicationEvent,
    ApplicationStateEnum,
    RenewalApplication,
    visible_applications,
)


@strawberry.type(description="A change to a residency permit, sent after it is committed.")
class PermitEvent:
    kind: PermitChangeKindEnum
    permit: ResidencyPermit
    sent_at: float = strawberry.field(description="Unix time the event left the publisher.")


@strawberry.type(
    description="A state transition or check update of a renewal application, sent after it "
    "is committed. Carries what a screen shows; ask for `application` to re-read the rest."
)
class ApplicationUpdate:
    application_id: relay.GlobalID
    state: ApplicationStateEnum = strawberry.field(description="The application's state now.")
    amount_due: Decimal | None
    event: ApplicationEvent
    sent_at: float = strawberry.field(description="Unix time the event left the publisher.")

    @strawberry.field(description="The whole application, read again (costs a query).")
    async def application(self, info: Info) -> RenewalApplication | None:
        pk = pk_of(self.application_id, "RenewalApplication")
        return await sync_to_async(_visible_application)(info.context.user, pk)


def _update_from(message: dict) -> ApplicationUpdate:
    event = message["event"]
    return ApplicationUpdate(
        application_id=relay.GlobalID("RenewalApplication", str(message["application_id"])),
        state=renewal_models.State(message["state"]),
        amount_due=Decimal(message["amount_due"]) if message["amount_due"] else None,
        event=renewal_models.ApplicationEvent(
            id=event["id"],
            application_id=message["application_id"],
            at=dt.datetime.fromisoformat(event["at"]),
            kind=event["kind"],
            from_state=event["from_state"],
            to_state=event["to_state"],
            detail=event["detail"],
        ),
        sent_at=message["sent_at"],
    )


def _for(message: dict, groups: list[str]) -> bool:
    """Whether a channel-layer message came through one of this subscription's groups.

    strawberry hands every message of a type to every subscription of that type on the
    websocket, whatever group it came through: without this, ``applicationUpdated`` next to
    ``myApplications`` on one socket gets each event twice, and ``applicationUpdated(A)`` next to
    ``applicationUpdated(B)`` gets B's events too."""
    return message.get("group") in groups


def _visible_application(user, pk: int | None) -> renewal_models.RenewalApplication | None:
    return visible_applications(user).filter(pk=pk).first() if pk is not None else None


def _watched_sponsor_ids(user) -> list[int]:
    return list(access.represented_sponsors(user).values_list("pk", flat=True))


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
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        ws = info.context.ws
        groups = [permit_group(pk)]
        async with ws.listen_to_channel(PERMIT_CHANGED, groups=groups) as messages:
            async for message in messages:
                if not _for(message, groups):
                    continue
                permit = await sync_to_async(_visible_permit)(info.context.user, pk)
                if permit is None:
                    return
                yield PermitEvent(kind=message["kind"], permit=permit, sent_at=message["sent_at"])

    @strawberry.subscription(
        description="Every state transition and check update of one of your applications."
    )
    async def application_updated(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[ApplicationUpdate, None]:
        pk = pk_of(id, "RenewalApplication")
        if await sync_to_async(_visible_application)(info.context.user, pk) is None:
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        groups = [application_group(pk)]
        async with info.context.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as feed:
            async for message in feed:
                if _for(message, groups):
                    yield _update_from(message)

    @strawberry.subscription(
        name="myApplications",
        description="Updates of every application of the sponsors you act for.",
    )
    async def my_applications(self, info: Info) -> AsyncGenerator[ApplicationUpdate, None]:
        sponsor_ids = await sync_to_async(_watched_sponsor_ids)(info.context.user)
        if not sponsor_ids:
            raise GraphQLError(
                "Sign in as a sponsor, or as staff of one, to watch applications.",
                extensions={"code": "NOT_AUTHENTICATED"},
            )
        groups = [sponsor_applications_group(pk) for pk in sponsor_ids]
        async with info.context.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as feed:
            async for message in feed:
                if _for(message, groups):
                    yield _update_from(message)
