"""Managing a sponsor's webhooks: register an endpoint (its secret shown once), change it,
delete it, rotate its secret (the old one signs alongside for a grace period), redeliver.

Every call asks ``may_manage_webhooks``; an endpoint or delivery of a sponsor the caller may
not manage answers NOT_FOUND, exactly as a missing one. A URL is checked
(``core.webhooks.destinations``: https, public addresses) before any row is locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError, DomainErrors
from core.models import Sponsor
from core.names import free_text
from core.webhooks.destinations import destination
from core.webhooks.errors import WebhookErrorCode
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookSecret
from core.webhooks.selectors import may_manage_webhooks
from core.webhooks.signing import new_secret, seal

MAX_GRACE_HOURS = 7 * 24


def _not_found(field: str) -> DomainError:
    return DomainError(WebhookErrorCode.NOT_FOUND, field)


def _kinds(kinds: Iterable[str]) -> list[str]:
    """The kinds asked for, once each, in the enum's order; none is an error."""
    wanted = {WebhookEventKind(kind) for kind in kinds}
    if not wanted:
        raise DomainError(WebhookErrorCode.EVENT_KINDS_REQUIRED, "eventKinds")
    return [str(kind) for kind in WebhookEventKind if kind in wanted]


def _endpoint_url(url: str) -> str:
    destination(url)  # refused unless https (where required) and reachable from the internet
    return url.strip()


def _description(value: str) -> str:
    text = free_text(value, 200)
    if text is None:
        raise DomainError(WebhookErrorCode.INVALID_TEXT, "description")
    return text


def _checked(**checks: Any) -> dict[str, Any]:
    """Run every check (name → thunk) and raise their failures together."""
    values, errors = {}, []
    for name, check in checks.items():
        try:
            values[name] = check()
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise DomainErrors(errors)
    return values


def _locked_endpoint(actor: Any, endpoint_id: int | None) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects.select_for_update()
        .select_related("sponsor")
        .filter(pk=endpoint_id)
        .first()
    )
    if endpoint is None or not may_manage_webhooks(actor, endpoint.sponsor):
        raise _not_found("endpointId")
    return endpoint


def _secret_for(endpoint: WebhookEndpoint) -> str:
    secret = new_secret()
    WebhookSecret.objects.create(endpoint=endpoint, sealed=seal(secret))
    return secret


def endpoint_register(
    *,
    actor: Any,
    sponsor_id: int | None,
    url: str,
    event_kinds: Iterable[str],
    description: str = "",
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (``whsec_…``), which is answered here and never again."""
    sponsor = Sponsor.objects.filter(pk=sponsor_id).first() if sponsor_id else None
    if sponsor is None or not may_manage_webhooks(actor, sponsor):
        raise _not_found("sponsorId")
    values = _checked(
        url=lambda: _endpoint_url(url),
        kinds=lambda: _kinds(event_kinds),
        description=lambda: _description(description),
    )
    limit = int(settings.WEBHOOK_MAX_ENDPOINTS_PER_SPONSOR)
    try:
        with transaction.atomic():
            Sponsor.objects.select_for_update().get(pk=sponsor.pk)  # one registration at a time
            endpoints = WebhookEndpoint.objects.filter(sponsor=sponsor)
            if endpoints.filter(url=values["url"]).exists():
                raise DomainError(WebhookErrorCode.ENDPOINT_EXISTS, "url")
            if endpoints.count() >= limit:
                raise DomainError(WebhookErrorCode.TOO_MANY_ENDPOINTS, None, {"limit": limit})
            endpoint = WebhookEndpoint.objects.create(
                sponsor=sponsor,
                url=values["url"],
                event_kinds=values["kinds"],
                description=values["description"],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            return endpoint, _secret_for(endpoint)
    except IntegrityError:
        raise DomainError(WebhookErrorCode.ENDPOINT_EXISTS, "url") from None


def endpoint_update(
    *,
    actor: Any,
    endpoint_id: int | None,
    url: str | None = None,
    event_kinds: Iterable[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; what is not stays. Disabling keeps what is owed, unsent, until
    the endpoint is enabled again; nothing new is owed to it meanwhile."""
    with transaction.atomic():
        _locked_endpoint(actor, endpoint_id)  # before the URL is looked up: nothing leaks
    checks: dict[str, Any] = {}
    if url is not None:
        checks["url"] = lambda: _endpoint_url(url)
    if event_kinds is not None:
        checks["event_kinds"] = lambda: _kinds(event_kinds)
    if description is not None:
        checks["description"] = lambda: _description(description)
    values = _checked(**checks)
    try:
        with transaction.atomic():
            endpoint = _locked_endpoint(actor, endpoint_id)
            for name, value in values.items():
                setattr(endpoint, name, value)
            if enabled is not None:
                endpoint.enabled = enabled
            endpoint.save()
            return endpoint
    except IntegrityError:
        raise DomainError(WebhookErrorCode.ENDPOINT_EXISTS, "url") from None


@transaction.atomic
def endpoint_delete(*, actor: Any, endpoint_id: int | None) -> int:
    """Delete the endpoint, its secrets and its deliveries; answers its id."""
    endpoint = _locked_endpoint(actor, endpoint_id)
    pk = endpoint.pk
    endpoint.delete()
    return pk


@transaction.atomic
def secret_rotate(
    *, actor: Any, endpoint_id: int | None, grace_hours: int | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new secret (answered here and never again); the ones signing now go on signing for
    ``grace_hours`` (``WEBHOOK_SECRET_GRACE_HOURS`` when not given; 0: they stop now)."""
    if grace_hours is None:
        grace_hours = int(settings.WEBHOOK_SECRET_GRACE_HOURS)
    endpoint = _locked_endpoint(actor, endpoint_id)
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise DomainError(
            WebhookErrorCode.INVALID_GRACE, "graceHours", {"max_hours": MAX_GRACE_HOURS}
        )
    now = timezone.now()
    until = now + dt.timedelta(hours=grace_hours)
    endpoint.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until)).update(
        expires_at=until
    )
    return endpoint, _secret_for(endpoint)


@transaction.atomic
def delivery_redeliver(*, actor: Any, delivery_id: int | None) -> WebhookDelivery:
    """Try again at once, with a fresh round of attempts: the same message (the same
    ``webhook-id``, so a receiver that has it already knows it), signed anew."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint__sponsor")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not may_manage_webhooks(actor, delivery.endpoint.sponsor):
        raise _not_found("deliveryId")
    if not delivery.endpoint.enabled:
        raise DomainError(WebhookErrorCode.ENDPOINT_DISABLED, "deliveryId")
    now = timezone.now()
    if delivery.claimed_until is not None and delivery.claimed_until > now:
        raise DomainError(WebhookErrorCode.DELIVERY_IN_PROGRESS, "deliveryId")
    delivery.status = DeliveryStatus.PENDING
    delivery.round_attempts = 0
    delivery.next_attempt_at = now
    delivery.delivered_at = None
    delivery.save()
    return delivery
