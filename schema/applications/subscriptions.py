"""Subscriptions to applications. Authorization is checked before listening: a caller who may
not see the application gets an error and never joins its group. Each update is built from the
event's own message (``core.events.ApplicationMessage``): delivering one to a thousand
subscribers costs no query on their side."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from decimal import Decimal
from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from core import access
from core.applications.models import Application as ApplicationModel
from core.applications.selectors import visible_applications
from core.applications.states import State
from realtime.groups import APPLICATION_CHANGED, application_group, sponsor_applications_group
from schema.applications.kinds import APPLICATION_TYPES
from schema.applications.mutations import application_pk
from schema.applications.types import (
    Application,
    ApplicationEvent,
    ApplicationStateEnum,
)


@strawberry.type(
    description="A step of an application (a transition, a check update, a review, documents), "
    "sent after it is committed. Carries what a screen shows; ask for `application` to re-read "
    "the rest."
)
class ApplicationUpdate:
    application_id: relay.GlobalID
    state: ApplicationStateEnum = strawberry.field(
        description="The application's state this event describes."
    )
    amount_due: Decimal | None
    event: ApplicationEvent
    sent_at: float = strawberry.field(description="Unix time the event left the publisher.")

    @strawberry.field(description="The whole application, read again (costs a query).")
    async def application(self, info: Info) -> Application | None:
        pk = application_pk(self.application_id)
        return await sync_to_async(_visible_application)(info.context.user, pk)


def update_from(channel_message: dict[str, Any]) -> ApplicationUpdate:
    message = channel_message["message"]
    amount_due = Decimal(message["amount_due"]) if message["amount_due"] else None
    type_name = APPLICATION_TYPES[message["application_kind"]].__name__
    return ApplicationUpdate(
        application_id=relay.GlobalID(type_name, str(message["application_id"])),
        state=State(message["state"]),
        amount_due=amount_due,
        event=ApplicationEvent.of(
            at=dt.datetime.fromisoformat(message["at"]),
            kind=message["kind"],
            state=message["state"],
            from_state=message["from_state"],
            to_state=message["to_state"],
            amount_due=amount_due,
            detail=message["detail"],
        ),
        sent_at=channel_message["sent_at"],
    )


def for_groups(channel_message: dict, groups: list[str]) -> bool:
    """Whether a channel-layer message came through one of this subscription's groups.

    strawberry hands every message of a type to every subscription of that type on the
    websocket, whatever group it came through: without this, ``applicationUpdated`` next to
    ``myApplications`` on one socket gets each event twice, and ``applicationUpdated(A)`` next to
    ``applicationUpdated(B)`` gets B's events too."""
    return channel_message.get("group") in groups


def _visible_application(user: Any, pk: int | None) -> ApplicationModel | None:
    return visible_applications(user).filter(pk=pk).first() if pk is not None else None


def _watched_sponsor_ids(user: Any) -> list[int]:
    return list(access.represented_sponsors(user).values_list("pk", flat=True))


@strawberry.type
class ApplicationSubscription:
    @strawberry.subscription(description="Every step of one of your applications, live.")
    async def application_updated(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[ApplicationUpdate, None]:
        pk = application_pk(id)
        if await sync_to_async(_visible_application)(info.context.user, pk) is None:
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        groups = [application_group(pk)]
        async with info.context.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as feed:
            async for message in feed:
                if for_groups(message, groups):
                    yield update_from(message)

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
                if for_groups(message, groups):
                    yield update_from(message)
