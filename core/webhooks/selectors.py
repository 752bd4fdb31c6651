"""Who may manage a sponsor's webhooks, and so which endpoints and deliveries a user sees.

``may_manage_webhooks`` is the one rule: registering, listing, updating, deleting, rotating a
secret and redelivering all ask it, and the visible sets below are made from it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import access
from core.models import Sponsor
from core.scopes import Scope
from core.webhooks.models import WebhookDelivery, WebhookEndpoint


def may_manage_webhooks(user: Any, sponsor: Sponsor) -> bool:
    """Whether the user may manage the sponsor's webhooks: its owner, a delegate or a token
    holding the integrations scope, or the back office."""
    return access.may(user, sponsor, Scope.INTEGRATIONS)


def managed_sponsor_ids(user: Any) -> Any:
    """The sponsors whose webhooks the user may manage (``may_manage_webhooks``), for filters."""
    return access.actable_sponsors(user, Scope.INTEGRATIONS).values("pk")


def visible_endpoints(user: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(sponsor_id__in=managed_sponsor_ids(user))


def visible_deliveries(user: Any) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint__sponsor_id__in=managed_sponsor_ids(user))
