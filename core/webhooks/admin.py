"""Back office: webhook endpoints and their deliveries, to read (an operator answers "did you
send it?"); never a secret. Sponsors manage their endpoints through the API."""

from __future__ import annotations

from django.contrib import admin

from core.webhooks.models import WebhookDelivery, WebhookEndpoint


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnly):
    list_display = ["sponsor", "url", "enabled", "event_kinds", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["url", "sponsor__name_en", "sponsor__commercial_registration"]
    fields = ["sponsor", "url", "event_kinds", "description", "enabled", "created_by"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = [
        "message",
        "endpoint",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status"]
    list_select_related = ["message", "endpoint"]
    search_fields = ["message__message_id", "endpoint__url"]
