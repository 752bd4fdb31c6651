"""Small real files made on the spot: JPEG and PNG through Pillow, PDF through pypdf. Each call
gives different bytes unless ``shade`` is repeated, so tests choose when content is shared."""

from __future__ import annotations

import io
import itertools
import os

from PIL import Image
from pypdf import PdfWriter

_shades = itertools.count(1)


def _shade(shade: int | None) -> tuple[int, int, int]:
    n = next(_shades) if shade is None else shade
    return (n * 37 % 256, n * 91 % 256, n * 53 % 256)


def jpeg(width: int = 400, height: int = 500, shade: int | None = None, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), _shade(shade)).save(out, "JPEG", quality=60, **save)
    return out.getvalue()


def png(width: int = 400, height: int = 500, shade: int | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), _shade(shade)).save(out, "PNG")
    return out.getvalue()


def pdf(title: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title or f"document {next(_shades)}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    whole = pdf()
    return whole[: len(whole) // 2]  # starts with %PDF, cannot be parsed


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rotated_portrait_jpeg() -> bytes:
    """Stored 500×400 (landscape) with EXIF orientation 6: a phone's portrait photo."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg(500, 400, exif=exif.tobytes())


def noise_png(width: int = 100, height: int = 100) -> bytes:
    """A PNG that does not compress: about width × height × 3 bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()
