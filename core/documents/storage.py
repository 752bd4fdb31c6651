"""Where blobs live: Django's storage API under the ``documents`` alias (``settings.STORAGES``),
named by their content so that the same bytes always land on the same name."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from core.documents.kinds import JPEG, PDF, PNG

_EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
ALIAS = "documents"


def documents_storage() -> Storage:
    return storages[ALIAS]


def blob_name(sha256: str, content_type: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{_EXTENSIONS[content_type]}"


def write_blob(name: str, data: bytes) -> None:
    """Write the content under its name. A file already there with the same size is the same
    content left by an attempt that died before commit: it is kept; anything else is replaced."""
    storage = documents_storage()
    if storage.exists(name):
        if storage.size(name) == len(data):
            return
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # a storage that renames instead of writing where it was told
        storage.delete(saved)
        raise RuntimeError(f"documents storage saved {name!r} as {saved!r}")
