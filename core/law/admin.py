"""Back office: staff edit the law's provisions here. A change in the law is a new row from a
later date (and the old one closed with ``effective until``), so what applied on a past day
stays readable."""

from __future__ import annotations

from django.contrib import admin

from core.law import models

PROVISION = ["legal_basis", "source_kind", "effective_from", "effective_until"]
FILTERS = ["source_kind", "effective_from"]


class ProvisionAdmin(admin.ModelAdmin):
    list_filter = FILTERS
    search_fields = ["legal_basis", "note"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(models.ArticleTerm)
class ArticleTermAdmin(ProvisionAdmin):
    list_display = ["article", "title_en", "title_ar", "max_months", *PROVISION]


@admin.register(models.LongResidency)
class LongResidencyAdmin(ProvisionAdmin):
    list_display = ["ground", "articles", "max_months", *PROVISION]


@admin.register(models.SalaryThreshold)
class SalaryThresholdAdmin(ProvisionAdmin):
    list_display = ["purpose", "min_monthly_salary", *PROVISION]


@admin.register(models.SalaryExemption)
class SalaryExemptionAdmin(ProvisionAdmin):
    list_display = ["purpose", "profession", "public_sector_only", *PROVISION]


@admin.register(models.CourtFinding)
class CourtFindingAdmin(ProvisionAdmin):
    list_display = ["record_kind", "effect", "explanation_en", *PROVISION]


@admin.register(models.OverstayFine)
class OverstayFineAdmin(ProvisionAdmin):
    list_display = ["category", "first_month_per_day", "later_per_day", "cap", *PROVISION]


@admin.register(models.VisitTerm)
class VisitTermAdmin(ProvisionAdmin):
    list_display = ["relation", "host_articles", "min_host_salary", "max_months", *PROVISION]


@admin.register(models.TransferTerm)
class TransferTermAdmin(ProvisionAdmin):
    list_display = [
        "from_article",
        "to_article",
        "current_sponsor_consent",
        "new_sponsor_consent",
        "holder_consent",
        "min_months_with_sponsor",
        "transfer_fee",
        *PROVISION,
    ]
