"""Document uploads through the GraphQL multipart request spec (strawberry's ``Upload``)."""

from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.types import Info

from core.documents import services
from core.documents.errors import DocumentErrorCode
from schema.documents.types import Document, DocumentKindEnum
from schema.errors import Error, pk_of, run_domain

DocumentErrorCodeEnum = strawberry.enum(DocumentErrorCode, name="DocumentErrorCode")


@strawberry.type
class DocumentError(Error):
    code: DocumentErrorCodeEnum


@strawberry.type
class UploadDocumentPayload:
    document: Document | None = None
    errors: list[DocumentError] = strawberry.field(default_factory=list)


@strawberry.type
class DocumentMutation:
    @strawberry_django.mutation(
        description="Upload a person's document, or a company's (government body's, "
        "mission's) own paper when ownerId is a sponsor's: its commercial licence, its "
        "authorised signatory (multipart request: operations, map, file). JPEG, PNG or PDF, "
        "checked by content; the same file again answers the same document."
    )
    def upload_document(
        self,
        info: Info,
        owner_id: relay.GlobalID,
        kind: DocumentKindEnum,
        file: Upload,
        issued_on: dt.date | None = None,
        expires_on: dt.date | None = None,
    ) -> UploadDocumentPayload:
        document, errors = run_domain(
            info,
            DocumentError,
            lambda: services.document_upload(
                actor=info.context.user,
                owner_id=pk_of(owner_id, "Person"),
                sponsor_id=pk_of(owner_id, "Sponsor"),
                kind=kind.value,
                file=file,
                issued_on=issued_on,
                expires_on=expires_on,
            ),
        )
        return UploadDocumentPayload(document=document, errors=errors)
