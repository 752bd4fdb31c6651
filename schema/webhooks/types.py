"""GraphQL types of webhooks. Endpoints and deliveries are visible to those who may manage the
sponsor's webhooks (``core.webhooks.selectors``), through any field or ``node``; a secret is
never readable (it is answered once, by the mutation that made it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Q
from django.utils import timezone
from strawberry import auto, relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core.webhooks import models
from core.webhooks.errors import WebhookErrorCode
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.selectors import visible_deliveries, visible_endpoints
from schema.core.types import Sponsor
from schema.errors import Error
from schema.model_types import model_type

WebhookEventKindEnum = strawberry.enum(
    WebhookEventKind,
    name="WebhookEventKind",
    description="What an endpoint may be told of; the payload's `type` is the value in "
    "docs/webhooks.md (e.g. `application.state_changed`).",
)
WebhookDeliveryStatusEnum = strawberry.enum(models.DeliveryStatus, name="WebhookDeliveryStatus")
WebhookErrorCodeEnum = strawberry.enum(WebhookErrorCode, name="WebhookErrorCode")
KNOWN_KINDS = frozenset(kind.value for kind in WebhookEventKind)


@strawberry.type
class WebhookError(Error):
    code: WebhookErrorCodeEnum


@strawberry.type(description="A secret that signs an endpoint's webhooks (never its value).")
class WebhookSigningSecret:
    created_at: dt.datetime = strawberry.field(description="When it was made.")
    expires_at: dt.datetime | None = strawberry.field(
        description="Until when it signs, after a rotation; null for the current one."
    )


@strawberry_django.filter_type(models.WebhookDelivery)
class WebhookDeliveryFilter:
    @strawberry_django.filter_field(description="Only deliveries in this status.")
    def status(self, value: WebhookDeliveryStatusEnum, prefix: str) -> Q:
        return Q(**{f"{prefix}status": value})


def viewer(info: Info) -> Any:
    return info.context.user


@model_type(models.WebhookDelivery, name="WebhookDelivery", filters=WebhookDeliveryFilter)
class WebhookDelivery(relay.Node):
    status: WebhookDeliveryStatusEnum
    attempts: auto = strawberry_django.field(description="Attempts so far, redeliveries too.")
    last_attempt_at: auto
    last_response_code: auto = strawberry_django.field(
        description="The HTTP status the endpoint answered last; null when it did not answer."
    )
    last_error: auto = strawberry_django.field(
        description="What went wrong last (the start of the endpoint's answer, a timeout, a "
        "refused address); empty once delivered."
    )
    delivered_at: auto
    created_at: auto
    endpoint: WebhookEndpoint

    @strawberry_django.field(
        only=["status", "next_attempt_at"],
        description="When it is tried next; null unless pending.",
    )
    def next_attempt_at(self, root: models.WebhookDelivery) -> dt.datetime | None:
        return root.next_attempt_at if root.status == models.DeliveryStatus.PENDING else None

    @strawberry_django.field(only=["message__kind"], select_related=["message"])
    def event_kind(self, root: models.WebhookDelivery) -> WebhookEventKindEnum | None:
        kind = root.message.kind
        return WebhookEventKind(kind) if kind in KNOWN_KINDS else None

    @strawberry_django.field(
        only=["message__message_id"],
        select_related=["message"],
        description="The `webhook-id` header: the same on every attempt and redelivery.",
    )
    def message_id(self, root: models.WebhookDelivery) -> str:
        return root.message.message_id

    @strawberry_django.field(
        only=["message__body"],
        select_related=["message"],
        description="The body sent: `{type, timestamp, data}`.",
    )
    def payload(self, root: models.WebhookDelivery) -> strawberry.scalars.JSON:
        return json.loads(root.message.body)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_deliveries(viewer(info)).values("pk"))


@model_type(models.WebhookEndpoint, name="WebhookEndpoint")
class WebhookEndpoint(relay.Node):
    url: auto
    description: auto
    enabled: auto = strawberry_django.field(
        description="A disabled endpoint is owed nothing new; what it was owed waits, unsent."
    )
    created_at: auto
    updated_at: auto
    sponsor: Sponsor
    deliveries: DjangoListConnection[WebhookDelivery] = strawberry_django.connection(
        filters=WebhookDeliveryFilter, description="Its deliveries, newest first."
    )

    @strawberry_django.field(only=["event_kinds"])
    def event_kinds(self, root: models.WebhookEndpoint) -> list[WebhookEventKindEnum]:
        return [WebhookEventKind(k) for k in root.event_kinds if k in KNOWN_KINDS]

    @strawberry_django.field(
        prefetch_related=["secrets"],
        description="The secrets signing its webhooks now: the current one, and the one "
        "before it while its grace period lasts.",
    )
    def signing_secrets(self, root: models.WebhookEndpoint) -> list[WebhookSigningSecret]:
        now = timezone.now()
        return [
            WebhookSigningSecret(created_at=s.created_at, expires_at=s.expires_at)
            for s in root.secrets.all()
            if s.expires_at is None or s.expires_at > now
        ]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_endpoints(viewer(info)).values("pk"))
