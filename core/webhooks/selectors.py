"""Who may manage a sponsor's webhooks, and so which endpoints and deliveries a user sees.

``may_manage_webhooks`` is the one rule: registering, listing, updating, deleting, rotating a
secret and redelivering all ask it, and the visible sets below are made from it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import access
from core.models import Sponsor
from core.webhooks.models import WebhookDelivery, WebhookEndpoint


def may_manage_webhooks(user: Any, sponsor: Sponsor) -> bool:
    """Whether the user may manage the sponsor's webhooks. Today: whoever may act for the
    sponsor (``core.access.may_act_for_sponsor``). It becomes: the sponsor's owner, or a
    delegate holding the integrations scope (issue 13's delegates and scopes)."""
    return access.may_act_for_sponsor(user, sponsor)


def managed_sponsor_ids(user: Any) -> list[int]:
    """The sponsors with endpoints whose webhooks the user may manage (those the user may act
    for are the only candidates; each is asked ``may_manage_webhooks``)."""
    candidates = Sponsor.objects.filter(
        pk__in=WebhookEndpoint.objects.filter(
            sponsor__in=access.actable_sponsors(user).values("pk")
        ).values("sponsor_id")
    )
    return [sponsor.pk for sponsor in candidates if may_manage_webhooks(user, sponsor)]


def visible_endpoints(user: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(sponsor_id__in=managed_sponsor_ids(user))


def visible_deliveries(user: Any) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint__sponsor_id__in=managed_sponsor_ids(user))
