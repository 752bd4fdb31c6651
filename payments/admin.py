"""Back office for payments: the fee schedule is edited here (no deploy needed); payments,
their ledger, quotes and agency reports are read-only records."""

from __future__ import annotations

from django.contrib import admin

from payments import models


@admin.register(models.FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    """A new rate is a new row with its own ``effective from``; a rate a quote has used keeps
    its amount and dates (history), and can only be closed with ``effective until``."""

    list_display = [
        "kind",
        "article",
        "relation",
        "household",
        "sponsor_article",
        "from_article",
        "amount",
        "per",
        "effective_from",
        "effective_until",
        "legal_basis",
        "source_kind",
    ]
    list_filter = ["kind", "article", "source_kind", "effective_from"]
    search_fields = ["legal_basis"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and models.QuoteLine.objects.filter(fee_rate=obj).exists():
            return [f.name for f in obj._meta.fields if f.name != "effective_until"]
        return ["created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class QuoteLineInline(ReadOnlyInline):
    model = models.QuoteLine
    fields = ["person", "kind", "description_en", "months", "rate_amount", "rate_per", "amount"]


@admin.register(models.Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["pk", "application", "total", "issued_at", "expires_at"]
    inlines = [QuoteLineInline]


class PaymentEventInline(ReadOnlyInline):
    model = models.PaymentEvent
    fields = ["at", "kind", "source", "status_before", "status_after", "amount", "note", "fields"]


@admin.register(models.Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["track_id", "application", "amount", "status", "result", "created_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["track_id", "gateway_payment_id", "reference", "transaction_id"]
    inlines = [PaymentEventInline]


@admin.register(models.PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "payment", "kind", "source", "status_before", "status_after", "amount"]
    list_filter = ["kind", "source"]


@admin.register(models.AgencyReport)
class AgencyReportAdmin(ReadOnlyAdmin):
    list_display = ["payment", "item", "agency", "status", "attempts", "agency_reference"]
    list_filter = ["agency", "status"]


@admin.register(models.Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "payment", "issued_at"]
    search_fields = ["number"]
