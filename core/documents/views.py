"""The download endpoint: a signed link in, the file out with its detected content type."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from core.documents import links
from core.documents.models import Document
from core.documents.storage import documents_storage


@require_GET
def download(request: HttpRequest, token: str) -> FileResponse:
    document_id = links.document_id_from(token)
    document = (
        Document.objects.select_related("blob").filter(pk=document_id).first()
        if document_id is not None
        else None
    )
    if document is None:
        raise Http404("No such document.")
    blob = document.blob
    extension = blob.storage_name.rsplit(".", 1)[-1]
    response = FileResponse(
        documents_storage().open(blob.storage_name, "rb"),
        content_type=blob.content_type,
        as_attachment=False,
        filename=f"{document.kind}-{document.pk}.{extension}",
    )
    response["Content-Length"] = str(blob.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
