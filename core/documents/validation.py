"""Validation of an uploaded file by its content, never by its name.

Only JPEG, PNG and PDF are accepted, recognised by their magic bytes (``filetype``); an image
must decode completely (Pillow) and a PDF must parse and have a page (``pypdf``). A personal
photo must be an ID photo: portrait 4:5 and large enough (``settings.DOCUMENTS``). Every
problem is a :class:`DomainError` with a ``DocumentErrorCode``. What is stored is
``Inspection.content``: a PDF as uploaded, an image re-encoded without metadata (``reencode``).
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.conf import settings
from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader

from core.documents import reencode
from core.documents.errors import DocumentErrorCode
from core.documents.kinds import IMAGE_TYPES, JPEG, PDF, PNG, DocumentKind, rule_for_kind
from core.errors import DomainError

FIELD = "file"
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# What Pillow raises on a damaged image, beside its own limits (PngImagePlugin's ValueError for
# a text chunk decompressing past MAX_TEXT_CHUNK, or text past MAX_TEXT_MEMORY in all).
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken PDF is an answer, not a warning


@dataclass(frozen=True)
class Inspection:
    content_type: str
    content: bytes = field(repr=False)  # what to store: an image re-encoded, a PDF as uploaded
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def limits() -> dict[str, Any]:
    return settings.DOCUMENTS


def _error(code: DocumentErrorCode, **params: Any) -> DomainError:
    return DomainError(code, FIELD, params)


def _too_large(max_bytes: int) -> DomainError:
    return _error(DocumentErrorCode.TOO_LARGE, max_mb=f"{max_bytes / 1048576:.3g}")


def read_upload(upload: Any) -> bytes:
    """The upload's bytes, refusing a missing, empty or too large file before reading it all."""
    max_bytes = int(limits()["MAX_BYTES"])
    too_large = _too_large(max_bytes)
    if upload is None or not hasattr(upload, "read"):
        raise _error(DocumentErrorCode.FILE_REQUIRED)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_large
    data = bytearray()
    for chunk in _chunks(upload):
        data += chunk
        if len(data) > max_bytes:
            raise too_large
    if not data:
        raise _error(DocumentErrorCode.EMPTY_FILE)
    return bytes(data)


def _chunks(upload: Any) -> Iterator[bytes]:
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    while chunk := upload.read(64 * 1024):
        yield chunk


def detect(data: bytes) -> str | None:
    """The content type the magic bytes say, or None."""
    return filetype.guess_mime(data[:8192])


def inspect(data: bytes, kind: str) -> Inspection:
    """What the content is, or the DomainError saying why it is refused."""
    content_type = detect(data)
    if content_type not in (JPEG, PNG, PDF):
        raise _error(DocumentErrorCode.UNSUPPORTED_TYPE)
    rule = rule_for_kind(kind)
    if content_type not in rule.content_types:
        raise _error(
            DocumentErrorCode.IMAGE_REQUIRED, kind_en=rule.title_en.lower(), kind_ar=rule.title_ar
        )
    if content_type in IMAGE_TYPES:
        return _inspect_image(data, content_type, photo=kind == DocumentKind.PERSONAL_PHOTO)
    return _inspect_pdf(data)


def _inspect_image(data: bytes, content_type: str, *, photo: bool) -> Inspection:
    max_megapixels = limits()["MAX_MEGAPIXELS"]
    too_many = _error(DocumentErrorCode.IMAGE_TOO_MANY_PIXELS, max_megapixels=max_megapixels)
    try:
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[content_type]]) as image:
            width, height = image.size
            if width * height > max_megapixels * 1_000_000:
                raise too_many
            image.load()  # decodes every pixel: a truncated or damaged file fails here
            pixels = reencode.upright(image)  # as the EXIF orientation says, no metadata
        width, height = pixels.size
        if photo:
            _check_photo(width, height)
        content = reencode.encode(pixels, content_type)
    except Image.DecompressionBombError as exc:
        raise too_many from exc
    except _DECODE_ERRORS as exc:
        raise _error(DocumentErrorCode.CORRUPT_IMAGE) from exc
    max_bytes = int(limits()["MAX_BYTES"])
    if len(content) > max_bytes:
        raise _too_large(max_bytes)
    return Inspection(content_type, content, width=width, height=height)


def _check_photo(width: int, height: int) -> None:
    rules = limits()
    if width < rules["PHOTO_MIN_WIDTH"] or height < rules["PHOTO_MIN_HEIGHT"]:
        raise _error(
            DocumentErrorCode.PHOTO_TOO_SMALL,
            width=width,
            height=height,
            min_width=rules["PHOTO_MIN_WIDTH"],
            min_height=rules["PHOTO_MIN_HEIGHT"],
        )
    aspect, tolerance = rules["PHOTO_ASPECT"], rules["PHOTO_ASPECT_TOLERANCE"]
    low, high = aspect * (1 - tolerance), aspect * (1 + tolerance)
    if not low <= width / height <= high:
        raise _error(
            DocumentErrorCode.PHOTO_WRONG_ASPECT,
            width=width,
            height=height,
            min_ratio=f"{low:.2f}",
            max_ratio=f"{high:.2f}",
        )


def _inspect_pdf(data: bytes) -> Inspection:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many kinds of errors on garbage
        raise _error(DocumentErrorCode.CORRUPT_PDF) from exc
    if reader.is_encrypted:
        # An empty user password opens it for anyone (an "owner password" only): accept that.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:
            opened = False
        if not opened:
            raise _error(DocumentErrorCode.ENCRYPTED_PDF)
    try:
        pages = len(reader.pages)
        if pages < 1:
            raise ValueError("no pages")
        reader.pages[0].mediabox  # noqa: B018 — touching the first page parses it
    except Exception as exc:
        raise _error(DocumentErrorCode.CORRUPT_PDF) from exc
    return Inspection(PDF, data, pages=pages)
