"""Back office: the residency department's officers work on everything here.

Search accepts Arabic or Latin names and civil IDs; permit history is read-only, because it is
the record of what happened.
"""

from django.contrib import admin

from core import models
from core.civil_id import normalize_digits
from core.services.permits import permit_cancel, permit_issue


class DigitsOfAnyScript:
    """Search terms with digits of any script (٢٧٠…) find the ASCII civil IDs stored."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_digits(search_term))


class DependentInline(admin.TabularInline):
    model = models.Dependent
    fk_name = "sponsor"
    extra = 0
    autocomplete_fields = ["person"]


class SponsorStaffInline(admin.TabularInline):
    model = models.SponsorStaff
    extra = 0
    autocomplete_fields = ["user"]


class PermitChangeInline(admin.TabularInline):
    model = models.PermitChange
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "expires_on_before", "expires_on_after", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Person)
class PersonAdmin(DigitsOfAnyScript, admin.ModelAdmin):
    list_display = ["civil_id", "name_en", "name_ar", "nationality", "date_of_birth", "sex"]
    list_filter = ["nationality", "sex"]
    search_fields = ["civil_id", "name_en", "name_ar", "passport_number"]
    raw_id_fields = ["user"]


@admin.register(models.Sponsor)
class SponsorAdmin(DigitsOfAnyScript, admin.ModelAdmin):
    list_display = ["__str__", "kind", "commercial_registration", "manpower_file_number"]
    list_filter = ["kind"]
    search_fields = [
        "name_en",
        "name_ar",
        "person__name_en",
        "person__name_ar",
        "person__civil_id",
        "commercial_registration",
        "manpower_file_number",
    ]
    autocomplete_fields = ["person"]
    inlines = [SponsorStaffInline, DependentInline]


@admin.register(models.Dependent)
class DependentAdmin(admin.ModelAdmin):
    list_display = ["person", "relation", "sponsor", "since", "ended_on"]
    list_filter = ["relation"]
    search_fields = ["person__name_en", "person__name_ar", "person__civil_id"]
    autocomplete_fields = ["person", "sponsor"]


@admin.register(models.ResidencyPermit)
class ResidencyPermitAdmin(admin.ModelAdmin):
    list_display = ["holder", "article", "sponsor", "issued_on", "expires_on", "status"]
    list_filter = ["article", "expires_on"]
    search_fields = ["holder__name_en", "holder__name_ar", "holder__civil_id"]
    autocomplete_fields = ["holder", "sponsor"]
    date_hierarchy = "expires_on"
    inlines = [PermitChangeInline]
    list_select_related = ["holder", "sponsor", "sponsor__person"]
    actions = ["cancel_permits"]

    def get_readonly_fields(self, request, obj=None):
        # Dates and cancellation of an existing permit change only through the services, so
        # that every change lands in the permit's history.
        if obj is None:
            return ["cancelled_at", "cancellation_reason"]
        return ["holder", "issued_on", "expires_on", "cancelled_at", "cancellation_reason"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = permit_issue(
            actor=request.user,
            holder=obj.holder,
            sponsor=obj.sponsor,
            article=obj.article,
            issued_on=obj.issued_on,
            expires_on=obj.expires_on,
        )
        obj.pk = issued.pk

    @admin.action(description="Cancel the selected permits")
    def cancel_permits(self, request, queryset) -> None:
        for permit in queryset:
            permit_cancel(actor=request.user, permit=permit, reason="Cancelled by an officer")


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]
