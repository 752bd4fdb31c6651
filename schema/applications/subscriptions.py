"""Subscriptions to applications. Authorization is checked before listening: a caller who may
not see the application gets an error and never joins its group. Each update is built from the
event's own message (``core.events.ApplicationMessage``): delivering one to a thousand
subscribers costs no query on their side. Both resume from a cursor (``after``): what came
since is replayed from the database first, then they go live, with no gap and no duplicate
(``realtime.feeds``)."""

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
from core.errors import CATALOGUE
from core.scopes import Scope
from realtime.feeds import (
    Feed,
    FeedUpdate,
    ResumeError,
    Stream,
    application_stream,
    sponsor_stream,
)
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
    sent_at: float = strawberry.field(
        description="Unix time the event left the publisher (for a replayed one: was read again)."
    )
    cursor: str = strawberry.field(
        description="Where you stand after this update: pass the last one you received as "
        "`after` when you subscribe again, to get what came since, each event once."
    )

    @strawberry.field(description="The whole application, read again (costs a query).")
    async def application(self, info: Info) -> Application | None:
        pk = application_pk(self.application_id)
        return await sync_to_async(_visible_application)(info.context.user, pk)


def update_from(update: FeedUpdate) -> ApplicationUpdate:
    message = update.message
    amount_due = Decimal(message["amount_due"]) if message["amount_due"] else None
    type_name = APPLICATION_TYPES[message["application_kind"]].__name__
    return ApplicationUpdate(
        application_id=relay.GlobalID(type_name, str(message["application_id"])),
        state=State(message["state"]),
        amount_due=amount_due,
        event=ApplicationEvent.of(
            at=dt.datetime.fromisoformat(message["at"]),
            sequence=message["sequence"],
            kind=message["kind"],
            state=message["state"],
            from_state=message["from_state"],
            to_state=message["to_state"],
            amount_due=amount_due,
            detail=message["detail"],
        ),
        sent_at=update.sent_at,
        cursor=update.cursor,
    )


async def _resumed(info: Info, feed: Feed) -> AsyncGenerator[ApplicationUpdate, None]:
    try:
        async for update in feed.updates():
            yield update_from(update)
    except ResumeError as exc:
        raise _resume_error(info, exc) from exc


def _resume_error(info: Info, exc: ResumeError) -> GraphQLError:
    """A cursor that cannot be resumed from, typed and in both languages."""
    en, ar = CATALOGUE[type(exc.code)][exc.code]
    return GraphQLError(
        ar if info.context.language == "ar" else en,
        extensions={"code": exc.code.name, "messageEn": en, "messageAr": ar},
    )


def _feed(info: Info, streams: list[Stream], after: str | None) -> Feed:
    try:
        return Feed(info.context.ws, streams, after)
    except ResumeError as exc:
        raise _resume_error(info, exc) from exc


def _visible_application(user: Any, pk: int | None) -> ApplicationModel | None:
    return visible_applications(user).filter(pk=pk).first() if pk is not None else None


def _watched_sponsor_ids(user: Any) -> list[int]:
    return list(access.sponsors_with(user, Scope.VIEW_WORKERS).values_list("pk", flat=True))


@strawberry.type
class ApplicationSubscription:
    @strawberry.subscription(description="Every step of one of your applications, live.")
    async def application_updated(
        self, info: Info, id: relay.GlobalID, after: str | None = None
    ) -> AsyncGenerator[ApplicationUpdate, None]:
        pk = application_pk(id)
        if await sync_to_async(_visible_application)(info.context.user, pk) is None:
            raise GraphQLError("Not found.", extensions={"code": "NOT_FOUND"})
        async for update in _resumed(info, _feed(info, [application_stream(pk)], after)):
            yield update

    @strawberry.subscription(
        name="myApplications",
        description="Updates of every application of the sponsors you act for.",
    )
    async def my_applications(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[ApplicationUpdate, None]:
        sponsor_ids = await sync_to_async(_watched_sponsor_ids)(info.context.user)
        if not sponsor_ids:
            raise GraphQLError(
                "Sign in as a sponsor, or as staff of one, to watch applications.",
                extensions={"code": "NOT_AUTHENTICATED"},
            )
        streams = [sponsor_stream(pk) for pk in sponsor_ids]
        async for update in _resumed(info, _feed(info, streams, after)):
            yield update
