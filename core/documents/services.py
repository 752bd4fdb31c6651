"""Writes on the document archive: upload (validate, then store once per content).

What is stored is what validation answers (``Inspection.content``): a PDF as uploaded, an image
re-encoded by Pillow without its metadata (``reencode.py``), so the blob's SHA-256, size and
dimensions describe the stored bytes, and the same upload is stored once.

Nothing is half-stored: the content is validated completely before anything is written; the
blob row and the document row are written in one transaction, and the file only inside it,
after the blob row — which a concurrent upload of the same bytes waits for. When anything
after the file write fails, the file is deleted before the transaction lets go of the row.
A failure of the commit itself (or a caller's enclosing transaction rolled back later) can leave
a file without a row: ``manage.py documents_gc`` removes those (docs/documents.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.documents import access, kinds, validation
from core.documents.errors import DocumentErrorCode
from core.documents.kinds import DocumentKind, KindRule, rule_for_kind
from core.documents.models import Blob, Document
from core.documents.storage import blob_name, documents_storage, write_blob
from core.errors import DomainError, DomainErrors
from core.models import AuditAction
from core.scopes import Scope
from core.services.audit import audit


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def date_problems(
    rule: KindRule, issued_on: dt.date | None, expires_on: dt.date | None, today: dt.date
) -> list[DomainError]:
    """What is wrong with a document's dates for its kind, all at once."""
    names = {"kind_en": rule.title_en.lower(), "kind_ar": rule.title_ar}
    problems: list[DomainError] = []
    for field, value, applies in (
        ("issuedOn", issued_on, rule.issued_on),
        ("expiresOn", expires_on, rule.expires_on),
    ):
        if value is None and applies == kinds.REQUIRED:
            code = (
                DocumentErrorCode.ISSUE_DATE_REQUIRED
                if field == "issuedOn"
                else DocumentErrorCode.EXPIRY_DATE_REQUIRED
            )
            problems.append(DomainError(code, field, names))
        elif value is not None and applies == kinds.NONE:
            problems.append(DomainError(DocumentErrorCode.DATE_NOT_APPLICABLE, field, names))
    if problems:
        return problems
    if issued_on is not None and issued_on > today:
        problems.append(DomainError(DocumentErrorCode.ISSUED_IN_FUTURE, "issuedOn"))
    if issued_on is not None and expires_on is not None and expires_on <= issued_on:
        problems.append(DomainError(DocumentErrorCode.EXPIRES_BEFORE_ISSUE, "expiresOn"))
    if problems:
        return problems
    until = kinds.valid_until(
        rule.kind, issued_on=issued_on, expires_on=expires_on, uploaded_on=today
    )
    if until is not None and until < today:
        field = "expiresOn" if expires_on is not None and until == expires_on else "issuedOn"
        problems.append(
            DomainError(DocumentErrorCode.ALREADY_EXPIRED, field, {"expires_on": until.isoformat()})
        )
    return problems


def document_upload(
    *,
    actor: Any,
    owner_id: int | None,
    kind: str,
    file: Any,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    sponsor_id: int | None = None,
) -> Document:
    """Validate and archive a person's document (``owner_id``), or a company's, government
    body's or mission's own paper (``sponsor_id``: its licence, its authorised signatory). The
    same content for the same holder and kind answers the existing document, with the dates of
    this upload (the latest upload's win)."""
    for_sponsor = sponsor_id is not None
    if for_sponsor:
        if not access.may_manage_sponsor_documents(actor, sponsor_id, Scope.RENEW):
            raise DomainError(DocumentErrorCode.NOT_FOUND, "ownerId")
    elif not access.may_manage_documents_of(actor, owner_id, Scope.RENEW):
        raise DomainError(DocumentErrorCode.NOT_FOUND, "ownerId")
    rule = rule_for_kind(kind)
    if (rule.held_by == kinds.SPONSOR) != for_sponsor:
        code = (
            DocumentErrorCode.PERSON_DOCUMENT_KIND
            if for_sponsor
            else DocumentErrorCode.SPONSOR_DOCUMENT_KIND
        )
        raise DomainError(code, "kind")
    errors = date_problems(rule, issued_on, expires_on, timezone.localdate())
    try:
        data = validation.read_upload(file)
        inspection = validation.inspect(data, rule.kind)
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise DomainErrors(errors)
    return _archive(
        actor=actor,
        holder={"sponsor_id": sponsor_id} if for_sponsor else {"owner_id": owner_id},
        kind=rule.kind,
        inspection=inspection,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def _archive(
    *,
    actor: Any,
    holder: dict[str, int | None],
    kind: DocumentKind,
    inspection: validation.Inspection,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
) -> Document:
    data = inspection.content
    sha256 = hashlib.sha256(data).hexdigest()
    name = blob_name(sha256, inspection.content_type)
    with transaction.atomic():
        blob, created = Blob.objects.get_or_create(
            sha256=sha256,
            defaults={
                "size": len(data),
                "content_type": inspection.content_type,
                "storage_name": name,
                "width": inspection.width,
                "height": inspection.height,
                "pages": inspection.pages,
            },
        )
        try:
            if created or not documents_storage().exists(blob.storage_name):
                write_blob(blob.storage_name, data)
            document, new = Document.objects.get_or_create(
                **holder,
                kind=kind,
                blob=blob,
                defaults={
                    "issued_on": issued_on,
                    "expires_on": expires_on,
                    "uploaded_by": _actor(actor),
                },
            )
            if not new and (document.issued_on, document.expires_on) != (issued_on, expires_on):
                document.issued_on, document.expires_on = issued_on, expires_on
                document.save(update_fields=["issued_on", "expires_on"])
            if document.sponsor_id is not None:
                audit(
                    actor=actor,
                    sponsor=document.sponsor_id,
                    action=AuditAction.DOCUMENT_UPLOADED,
                    target=document,
                    detail={"kind": kind, "sha256": sha256, "new": new},
                )
        except BaseException:
            if created:  # the file is ours alone until this transaction ends
                documents_storage().delete(blob.storage_name)
            raise
    return document
