"""Short-lived signed download links.

A link carries the document's id, signed with the project's secret and timestamped
(``django.core.signing.TimestampSigner``); it works for ``settings.DOCUMENTS["LINK_SECONDS"]``
(five minutes by default) and only for that document. It is handed only to users who may see
the document (the GraphQL ``downloadUrl`` field resolves only on visible documents), so it can
be used where headers cannot be set (an ``<img src>``, a browser download). Anything else — a
tampered, expired or foreign link — is answered 404.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "iqama.documents.download"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def download_token(document_id: int) -> str:
    return _signer().sign(str(document_id))


def download_path(document_id: int) -> str:
    return reverse("document-download", kwargs={"token": download_token(document_id)})


def document_id_from(token: str) -> int | None:
    """The document a link names, or None when it is tampered with or expired."""
    try:
        value = _signer().unsign(token, max_age=settings.DOCUMENTS["LINK_SECONDS"])
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    try:
        return int(value)
    except ValueError:
        return None
