"""Reading webhooks: a sponsor's endpoints (their deliveries hang off each, and ``node``)."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.webhooks.selectors import visible_endpoints
from schema.errors import pk_of
from schema.webhooks.types import WebhookEndpoint


@strawberry.type
class WebhookQuery:
    @strawberry_django.field(
        description="The webhook endpoints of the sponsors whose webhooks you manage (of one "
        "sponsor, when given); empty for any other sponsor."
    )
    def webhook_endpoints(
        self, info: Info, sponsor_id: relay.GlobalID | None = None
    ) -> list[WebhookEndpoint]:
        endpoints = visible_endpoints(info.context.user)
        if sponsor_id is not None:
            endpoints = endpoints.filter(sponsor_id=pk_of(sponsor_id, "Sponsor"))
        return endpoints
