"""A sponsor's webhook endpoints, their signing secrets, and the outbox: one message per event
and sponsor (its id is the Standard Webhooks ``webhook-id``), one delivery per endpoint that
asked for its kind, leased by the workers like any other work (``core.leases``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Sponsor

URL_MAX_LENGTH = 500


def message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """Where a sponsor's HR system wants to be told, and of what."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.CharField(max_length=URL_MAX_LENGTH)
    event_kinds = models.JSONField(
        default=list, help_text="Values of core.webhooks.kinds.WebhookEventKind."
    )
    description = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(
        default=True, help_text="A disabled endpoint keeps its deliveries waiting, unsent."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "url"], name="one_endpoint_per_sponsor_url")
        ]

    def __str__(self) -> str:
        return f"webhook {self.url} of sponsor {self.sponsor_id}"


class WebhookSecret(models.Model):
    """One ``whsec_`` secret of an endpoint, sealed at rest (``core.webhooks.signing``). The
    current one has no end; a rotation gives the one before an end, until which it signs too."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    sealed = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"secret of endpoint {self.endpoint_id} from {self.created_at:%Y-%m-%d %H:%M}"


class WebhookMessage(models.Model):
    """One event for one sponsor, exactly as its endpoints receive it."""

    message_id = models.CharField(max_length=40, unique=True, default=message_id)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    body = models.TextField(help_text="The JSON sent (and signed), byte for byte on every attempt.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """A message owed to one endpoint: tried until it answers 2xx, with backoff, up to the
    cap of ``WEBHOOK_RETRY_DELAYS``; then failed, until someone asks for it again."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Every attempt, ever.")
    round_attempts = models.PositiveIntegerField(
        default=0, help_text="Attempts since it was created or last redelivered (backoff, cap)."
    )
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "endpoint"], name="one_delivery_per_message_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"delivery of {self.message_id} to endpoint {self.endpoint_id}: {self.status}"
