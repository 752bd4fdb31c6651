"""A person's own residency, whoever applies for it: a worker sees his permits and their
renewal by his employer (his item and its checks), live, and nothing else of the application —
not its amounts, not the other workers on it (``core.applications.selectors.visible_items``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry.types import Info

from core import access
from core.applications.models import ApplicationItem
from core.applications.selectors import own_items
from core.events import ApplicationEventKind
from core.models import ResidencyPermit as PermitModel
from realtime.groups import APPLICATION_CHANGED, holder_group
from schema.applications.types import ApplicationEvent, RenewalItem
from schema.core.types import ResidencyPermit


@strawberry.type(description="One of your residency permits, and its latest application.")
class OwnResidency:
    permit: ResidencyPermit
    renewal: RenewalItem | None = strawberry.field(
        description="Your part of the latest application about this permit, whoever made it."
    )


@strawberry.type(description="A step of an application about your own residency, live.")
class OwnResidencyUpdate:
    event: ApplicationEvent = strawberry.field(
        description="Your check's update, or the application's move; never anyone else's."
    )
    renewal: RenewalItem | None = strawberry.field(description="Your part of it, read again.")


def _person_id(user: Any) -> int | None:
    """The signed-in person, when they act as themself (a company's token does not)."""
    if not access.acts_as_self(user):
        return None
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def _own_residency(user: Any) -> list[OwnResidency]:
    person_id = _person_id(user)
    if person_id is None:
        return []
    permits = list(
        PermitModel.objects.filter(holder_id=person_id, cancelled_at__isnull=True).order_by(
            "-expires_on"
        )
    )
    latest: dict[int, ApplicationItem] = {}
    for item in own_items(user).filter(permit__in=permits).order_by("-id"):
        latest.setdefault(item.permit_id, item)
    return [OwnResidency(permit=p, renewal=latest.get(p.pk)) for p in permits]


def _own_item(user: Any, application_id: int) -> ApplicationItem | None:
    return own_items(user).filter(application_id=application_id).first()


def _own_event(message: dict[str, Any], person_id: int) -> ApplicationEvent | None:
    """The event as the holder may see it: their own check's, or the application's move
    without its amounts and details; None for a step about someone else."""
    detail = message["detail"]
    if "person_id" in detail and detail["person_id"] != person_id:
        return None
    if message["kind"] not in (ApplicationEventKind.CHECK, ApplicationEventKind.REVIEW):
        detail = {}
    return ApplicationEvent.of(
        at=dt.datetime.fromisoformat(message["at"]),
        kind=message["kind"],
        state=message["state"],
        from_state=message["from_state"],
        to_state=message["to_state"],
        amount_due=None,
        detail=detail,
        sequence=message.get("sequence", 0),
    )


@strawberry.type
class OwnResidencyQuery:
    @strawberry_django.field(
        description="Your own residency permits and where their renewal stands, whoever "
        "applies for them (an employer renews an Art. 17 or Art. 18 residency)."
    )
    def my_residency(self, info: Info) -> list[OwnResidency]:
        return _own_residency(info.context.user)


@strawberry.type
class OwnResidencySubscription:
    @strawberry.subscription(
        description="Every step of the applications about your own residency, live: your "
        "checks and the application's moves."
    )
    async def my_residency_updated(self, info: Info) -> AsyncGenerator[OwnResidencyUpdate, None]:
        user = info.context.user
        person_id = await sync_to_async(_person_id)(user)
        if person_id is None:
            raise GraphQLError(
                "Sign in as a resident to watch your residency.",
                extensions={"code": "NOT_AUTHENTICATED"},
            )
        groups = [holder_group(person_id)]
        async with info.context.ws.listen_to_channel(APPLICATION_CHANGED, groups=groups) as feed:
            async for channel_message in feed:
                if channel_message.get("group") not in groups:  # another subscription's
                    continue
                for message in channel_message["messages"]:
                    event = _own_event(message, person_id)
                    if event is None:
                        continue
                    item = await sync_to_async(_own_item)(user, message["application_id"])
                    yield OwnResidencyUpdate(event=event, renewal=item)
