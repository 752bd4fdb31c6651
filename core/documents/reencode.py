"""Images are stored as Pillow re-encodes their pixels, never as uploaded.

An upload can carry anything beside its pixels: text chunks of megabytes, private chunks, EXIF
with the GPS position of someone's home, APPn segments, comments, ICC profiles. Storing the
decoded pixels, encoded afresh with no metadata, keeps none of that. The EXIF orientation is
applied to the pixels first (a phone's portrait stays portrait). The output depends only on the
pixels and the libraries' versions, so the same upload gives the same bytes and content
addressing still stores it once.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from core.documents.kinds import JPEG, PNG

JPEG_QUALITY = 90
# Modes the PNG encoder writes as they are (Pillow decodes PNGs only to these); others convert.
_PNG_MODES = frozenset({"1", "L", "LA", "I;16", "P", "RGB", "RGBA"})


def upright(image: Image.Image) -> Image.Image:
    """A copy of the decoded ``image`` with its EXIF orientation applied to the pixels and no
    metadata: the encoders read ICC profiles, comments and the like from ``info``. Only the
    transparency (a tRNS colour or palette alphas, part of the pixels) stays."""
    pixels = ImageOps.exif_transpose(image)  # always a new image, ours to change
    transparency = pixels.info.get("transparency")
    pixels.info = {} if transparency is None else {"transparency": transparency}
    return pixels


def encode(pixels: Image.Image, content_type: str) -> bytes:
    """``pixels`` (from :func:`upright`) as a fresh baseline JPEG or a PNG, nothing else."""
    out = io.BytesIO()
    if content_type == JPEG:
        if pixels.mode not in ("L", "RGB"):  # CMYK and the like: viewers and printers want RGB
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    elif content_type == PNG:
        if pixels.mode not in _PNG_MODES:
            alpha = "A" in pixels.getbands() or "transparency" in pixels.info
            pixels = pixels.convert("RGBA" if alpha else "RGB")
        pixels.save(out, "PNG", optimize=False)
    else:
        raise ValueError(f"not an image type: {content_type}")
    return out.getvalue()
