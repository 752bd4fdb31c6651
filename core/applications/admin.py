"""Back office: applications with their people, checks and history (read-only: they change only
through the services, which keep the history)."""

from django.contrib import admin

from core.applications.models import AgencyCheck, Application, ApplicationEvent, ApplicationItem


class ItemInline(admin.TabularInline):
    model = ApplicationItem
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["person", "permit", "months", "state"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "state", "from_state", "to_state", "actor", "detail"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "sponsor", "state", "amount_due", "submitted_at"]
    list_filter = ["kind", "state"]
    search_fields = ["sponsor__name_en", "sponsor__person__name_en", "items__person__civil_id"]
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [ItemInline, EventInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AgencyCheck)
class AgencyCheckAdmin(admin.ModelAdmin):
    list_display = ["pk", "agency", "status", "attempts", "next_attempt_at", "item"]
    list_filter = ["agency", "status"]
    readonly_fields = [f.name for f in AgencyCheck._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
