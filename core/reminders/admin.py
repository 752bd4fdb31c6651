"""Back office: the reminders sent, to read."""

from __future__ import annotations

from django.contrib import admin

from core.reminders.models import PermitReminder


@admin.register(PermitReminder)
class PermitReminderAdmin(admin.ModelAdmin):
    list_display = ["permit", "expires_on", "sponsor", "sent_at"]
    list_select_related = ["permit", "sponsor"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
