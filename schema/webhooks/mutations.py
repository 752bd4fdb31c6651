"""Webhook mutations: thin calls into ``core.webhooks`` with typed payload errors.
Whoever may not manage the sponsor's webhooks gets NOT_FOUND, as for a missing object."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.webhooks.services import (
    delivery_redeliver,
    endpoint_delete,
    endpoint_register,
    endpoint_update,
    secret_rotate,
)
from schema.errors import pk_of, run_domain
from schema.webhooks.types import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookError,
    WebhookEventKindEnum,
)

SECRET_HELP = (
    "The endpoint's new signing secret (`whsec_…`): shown once, here; store it now. Verify "
    "with any Standard Webhooks library (docs/webhooks.md)."
)


@strawberry.type
class WebhookEndpointSecretPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(default=None, description=SECRET_HELP)
    errors: list[WebhookError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    errors: list[WebhookError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteWebhookEndpointPayload:
    deleted_id: relay.GlobalID | None = None
    errors: list[WebhookError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None = None
    errors: list[WebhookError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookMutation:
    @strawberry_django.mutation(
        description="Register an endpoint for a sponsor's events: an https URL reachable from "
        "the internet and the kinds of event wanted. Answers its secret, once."
    )
    def create_webhook_endpoint(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        url: str,
        event_kinds: list[WebhookEventKindEnum],
        description: str = "",
    ) -> WebhookEndpointSecretPayload:
        made, errors = run_domain(
            info,
            WebhookError,
            lambda: endpoint_register(
                actor=info.context.user,
                sponsor_id=pk_of(sponsor_id, "Sponsor"),
                url=url,
                event_kinds=event_kinds,
                description=description,
            ),
        )
        if errors:
            return WebhookEndpointSecretPayload(errors=errors)
        endpoint, secret = made
        return WebhookEndpointSecretPayload(endpoint=endpoint, secret=secret)

    @strawberry_django.mutation(
        description="Change an endpoint: what is given changes, the rest stays. A disabled "
        "endpoint is owed nothing new; what it was owed waits until it is enabled again."
    )
    def update_webhook_endpoint(
        self,
        info: Info,
        endpoint_id: relay.GlobalID,
        url: str | None = None,
        event_kinds: list[WebhookEventKindEnum] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> WebhookEndpointPayload:
        endpoint, errors = run_domain(
            info,
            WebhookError,
            lambda: endpoint_update(
                actor=info.context.user,
                endpoint_id=pk_of(endpoint_id, "WebhookEndpoint"),
                url=url,
                event_kinds=event_kinds,
                description=description,
                enabled=enabled,
            ),
        )
        return WebhookEndpointPayload(endpoint=endpoint, errors=errors)

    @strawberry_django.mutation(
        description="Delete an endpoint with its secrets and deliveries; nothing more is sent."
    )
    def delete_webhook_endpoint(
        self, info: Info, endpoint_id: relay.GlobalID
    ) -> DeleteWebhookEndpointPayload:
        pk, errors = run_domain(
            info,
            WebhookError,
            lambda: endpoint_delete(
                actor=info.context.user, endpoint_id=pk_of(endpoint_id, "WebhookEndpoint")
            ),
        )
        if errors:
            return DeleteWebhookEndpointPayload(errors=errors)
        return DeleteWebhookEndpointPayload(deleted_id=relay.GlobalID("WebhookEndpoint", str(pk)))

    @strawberry_django.mutation(
        description="A new signing secret, answered once. The secrets signing until now go on "
        "signing beside it for `graceHours` (24 by default, at most 168; 0 stops them now), "
        "so receivers can switch without missing a webhook."
    )
    def rotate_webhook_secret(
        self, info: Info, endpoint_id: relay.GlobalID, grace_hours: int | None = None
    ) -> WebhookEndpointSecretPayload:
        made, errors = run_domain(
            info,
            WebhookError,
            lambda: secret_rotate(
                actor=info.context.user,
                endpoint_id=pk_of(endpoint_id, "WebhookEndpoint"),
                grace_hours=grace_hours,
            ),
        )
        if errors:
            return WebhookEndpointSecretPayload(errors=errors)
        endpoint, secret = made
        return WebhookEndpointSecretPayload(endpoint=endpoint, secret=secret)

    @strawberry_django.mutation(
        description="Send a delivery again now, with a fresh round of retries: the same "
        "message and `webhook-id`, signed anew."
    )
    def redeliver_webhook(self, info: Info, delivery_id: relay.GlobalID) -> WebhookDeliveryPayload:
        delivery, errors = run_domain(
            info,
            WebhookError,
            lambda: delivery_redeliver(
                actor=info.context.user, delivery_id=pk_of(delivery_id, "WebhookDelivery")
            ),
        )
        return WebhookDeliveryPayload(delivery=delivery, errors=errors)
