"""The typeface receipts are set in, and its static instances.

Receipts use **Noto Sans Arabic** (SIL Open Font License 1.1), installed from PyPI by the
``fontpkg-noto-sans-arabic`` dependency in pyproject.toml: the Google Fonts build, unmodified.
That build covers Arabic (all letters, presentation forms, Arabic punctuation) *and* Basic
Latin, so one family sets both languages with matching metrics. Nothing is downloaded at run
time.

The packaged file is a variable font (axes ``wght`` 100–900, ``wdth`` 62.5–100). fpdf2 can
instance it itself (``add_font(variations=...)``) but that costs about 0.4 s per style per
document, so each weight is instanced once with fontTools and kept as a static ``.ttf`` in a
cache directory (``RECEIPTS["FONT_CACHE_DIR"]``, default ``VAR_DIR/cache/receipt-fonts``), named
by the source file's hash so that an upgraded font package never reuses a stale instance.

``RECEIPTS["FONT_PATH"]`` may point at another font file (static or variable) with Arabic and
Latin glyphs; the tests check glyph coverage, so a font without Arabic would fail them.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from importlib import resources
from pathlib import Path

from django.conf import settings

FAMILY = "ReceiptSans"
# fpdf2 style -> OpenType weight.
WEIGHTS = {"": 400, "B": 700}
FONT_PACKAGE = "fontpkg_noto_sans_arabic"

# fontTools reports every step of instancing and subsetting at INFO: one receipt would print a
# few hundred lines into the service's log. Quieten them unless logging says otherwise.
for _name in ("fontTools.subset", "fontTools.varLib.instancer", "fontTools.ttLib"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)


class ReceiptFontMissing(RuntimeError):
    """No font with Arabic glyphs could be found: the dependency is not installed."""


def receipts_settings() -> dict:
    return dict(getattr(settings, "RECEIPTS", {}) or {})


def source_font_path() -> Path:
    """The font file as installed: the override from settings, else the packaged Noto Sans
    Arabic."""
    override = receipts_settings().get("FONT_PATH")
    if override:
        path = Path(override)
        if not path.is_file():
            raise ReceiptFontMissing(f'RECEIPTS["FONT_PATH"] is not a file: {path}')
        return path
    try:
        files = resources.files(FONT_PACKAGE) / "files"
        candidates = sorted(
            Path(str(entry))
            for entry in files.iterdir()
            if entry.name.startswith("NotoSansArabic") and entry.name.endswith(".ttf")
        )
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ReceiptFontMissing(
            "Noto Sans Arabic is not installed: pip install fontpkg-noto-sans-arabic "
            "(a dependency in pyproject.toml)."
        ) from exc
    if not candidates:
        raise ReceiptFontMissing(f"No NotoSansArabic*.ttf in the {FONT_PACKAGE} package.")
    return candidates[0]


def _cache_dir() -> Path:
    configured = receipts_settings().get("FONT_CACHE_DIR")
    if configured:
        return Path(configured)
    var_dir = getattr(settings, "VAR_DIR", None)
    if var_dir:
        return Path(var_dir) / "cache" / "receipt-fonts"
    return Path(tempfile.gettempdir()) / "iqama-receipt-fonts"


@functools.cache
def font_file(style: str = "") -> Path:
    """A static font file for an fpdf2 style ("" or "B"), instanced from the variable font on
    first use and cached on disk (atomically, so concurrent workers cannot read half a file)."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = source_font_path()
    font = TTFont(source, lazy=True)
    if "fvar" not in font:
        return source  # a static font: the same file serves every style
    weight = WEIGHTS[style]
    axes = {}
    for axis in font["fvar"].axes:
        value = weight if axis.axisTag == "wght" else axis.defaultValue
        axes[axis.axisTag] = min(max(value, axis.minValue), axis.maxValue)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    name = f"NotoSansArabic-w{int(axes.get('wght', weight))}-{digest}.ttf"
    for directory in (_cache_dir(), Path(tempfile.gettempdir()) / "iqama-receipt-fonts"):
        target = directory / name
        if target.is_file():
            return target
        try:
            directory.mkdir(parents=True, exist_ok=True)
            static = instancer.instantiateVariableFont(TTFont(source), axes)
            partial = directory / f".{name}.{os.getpid()}.tmp"
            static.save(str(partial))
            os.replace(partial, target)
            return target
        except OSError:
            continue  # not writable: try the system's temporary directory
    raise ReceiptFontMissing("Could not write a static instance of the receipt font anywhere.")


@functools.cache
def covered_codepoints(style: str = "") -> frozenset[int]:
    """The characters the font for ``style`` has a glyph for."""
    from fontTools.ttLib import TTFont

    return frozenset((TTFont(font_file(style), lazy=True).getBestCmap() or {}).keys())


class ReceiptTextNotRenderable(ValueError):
    """A text on the receipt has characters the font cannot draw (they would be dropped or
    drawn as boxes: a wrong receipt). Transliterate or fix the data."""
