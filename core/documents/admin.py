"""Back office: the archive is read-only here — documents come in only through the upload
service, which validates their content; officers look and download."""

from django.contrib import admin
from django.utils.html import format_html

from core.documents import links
from core.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "kind", "issued_on", "expires_on", "uploaded_at", "content"]
    list_filter = ["kind"]
    search_fields = ["owner__name_en", "owner__name_ar", "owner__civil_id", "blob__sha256"]
    list_select_related = ["owner", "blob"]
    readonly_fields = [
        "owner",
        "kind",
        "blob",
        "issued_on",
        "expires_on",
        "uploaded_by",
        "uploaded_at",
        "link",
    ]

    @admin.display(description="content")
    def content(self, obj: Document) -> str:
        return f"{obj.blob.content_type}, {obj.blob.size} B"

    @admin.display(description="download (5 minutes)")
    def link(self, obj: Document) -> str:
        return format_html('<a href="{}">download</a>', links.download_path(obj.pk))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
