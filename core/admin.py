"""Back office: the residency department's officers work on everything here.

Search accepts Arabic or Latin names and civil IDs; permit history is read-only, because it is
the record of what happened.
"""

from django.contrib import admin

from core import models
from core.civil_id import normalize_digits
from core.scopes import Scope, StaffRole
from core.services.accounts import api_token_revoke
from core.services.permits import permit_cancel, permit_issue
from core.sponsors.delegates import delegate_revoke, staff_saved


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
    """Owners are added and removed here (the API manages delegates only); every change is
    audited and a user who lost anything has their websockets closed (``staff_saved``)."""

    model = models.SponsorStaff
    extra = 0
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "role",
        *Scope.values,
        "granted_by",
        "granted_at",
        "revoked_by",
        "revoked_at",
    ]
    readonly_fields = ["granted_by", "granted_at", "revoked_by", "revoked_at"]
    can_delete = False  # revoke instead: the row is the record


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
    actions = ["revoke_delegates"]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not models.SponsorStaff:
            super().save_formset(request, form, formset, change)
            return
        before = {
            row.pk: (row.scopes, row.revoked_at)
            for row in models.SponsorStaff.objects.filter(sponsor=form.instance)
        }
        for row in formset.save(commit=False):
            staff_saved(actor=request.user, row=row, before=before.get(row.pk))
        formset.save_m2m()

    @admin.action(description="Revoke every delegate of the selected sponsors")
    def revoke_delegates(self, request, queryset) -> None:
        for row in models.SponsorStaff.objects.filter(
            sponsor__in=queryset, role=StaffRole.DELEGATE, revoked_at__isnull=True
        ):
            delegate_revoke(actor=request.user, delegate_id=row.pk)


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
    """Tokens are created through the API by staff; the back office sees them and revokes."""

    list_display = [
        "name",
        "user",
        "sponsor",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    list_select_related = ["user", "sponsor", "sponsor__person"]
    search_fields = ["name", "prefix", "user__username", "sponsor__name_en"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in models.ApiToken._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token_id=token.pk)


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """What was done for each sponsor, by whom: read-only, as the record it is."""

    list_display = ["at", "sponsor", "action", "actor_name", "token_prefix", "back_office"]
    list_filter = ["action", "back_office"]
    list_select_related = ["sponsor", "sponsor__person"]
    search_fields = ["actor_name", "token_prefix", "sponsor__name_en", "request_id", "target_id"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in models.AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
