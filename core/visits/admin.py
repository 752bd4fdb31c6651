"""Back office: visit permits are records of what was issued; an officer may cancel one."""

from __future__ import annotations

from django.contrib import admin

from core.visits.models import VisitPermit


@admin.register(VisitPermit)
class VisitPermitAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "visitor",
        "host",
        "relation",
        "valid_from",
        "valid_until",
        "cancelled_at",
    ]
    list_filter = ["relation", "valid_from"]
    search_fields = ["visitor__passport_number", "visitor__name_en", "host__person__civil_id"]
    readonly_fields = [
        "visitor",
        "host",
        "relation",
        "item",
        "valid_from",
        "valid_until",
        "issued_at",
        "verification_code",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False
