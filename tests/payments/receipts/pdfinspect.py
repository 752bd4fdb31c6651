"""Reading a rendered receipt back: the text as extractors see it, the glyphs as they are drawn,
the embedded fonts' outlines and the QR code image. pypdf and fontTools only."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

_BFCHAR_BLOCK = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
ARABIC_WORD = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]+")
# A run that stays left to right inside right-to-left text: Latin letters and digits, with the
# punctuation that joins them (R-2025-000123, 20.000, 10:14).
_LTR_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.:\-]*[A-Za-z0-9])?")


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def extracted_text(pdf: bytes) -> str:
    """pypdf's text of every page, presentation forms folded (NFKC) into the letters they
    show, so the check does not depend on how the renderer encodes shaped letters."""
    pages = [page.extract_text() for page in reader(pdf).pages]
    return unicodedata.normalize("NFKC", "\n".join(pages))


def arabic_words(text: str) -> list[str]:
    return ARABIC_WORD.findall(unicodedata.normalize("NFKC", text))


def expected_rtl_visual(logical: str) -> str:
    """How a right-to-left line of ``logical`` text is drawn from left to right: reversed,
    except runs of Latin letters and digits, which keep their own order (Unicode bidi, for
    the simple texts a receipt has)."""
    reversed_text = logical[::-1]
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], reversed_text)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping = {}
    for block in _BFCHAR_BLOCK.findall(cmap):
        for src, dst in _PAIR.findall(block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return mapping


@dataclass
class EmbeddedFont:
    resource: str
    base_font: str
    to_unicode: dict[int, str]  # CID -> text; "" for glyphs that carry none
    cid_to_gid: dict[int, int]
    font: TTFont

    def gid(self, cid: int) -> int:
        return self.cid_to_gid.get(cid, 0)

    def glyph_name(self, cid: int) -> str:
        return self.font.getGlyphOrder()[self.gid(cid)]

    def has_outline(self, cid: int) -> bool:
        """Drawn with ink: not .notdef (the "tofu" box) and not an empty glyph."""
        gid = self.gid(cid)
        if gid == 0:
            return False
        return self.font["glyf"][self.font.getGlyphOrder()[gid]].numberOfContours != 0

    def char_has_outline(self, char: str) -> bool:
        """The embedded font maps ``char`` to a glyph with ink."""
        name = (self.font.getBestCmap() or {}).get(ord(char))
        if name is None or name == ".notdef":
            return False
        return self.font["glyf"][name].numberOfContours != 0


def embedded_fonts(pdf: bytes) -> dict[str, EmbeddedFont]:
    """The Type0 fonts of every page, by resource name (/F1, /F2 …)."""
    fonts: dict[str, EmbeddedFont] = {}
    for page in reader(pdf).pages:
        for name, ref in page["/Resources"]["/Font"].items():
            if str(name) in fonts:
                continue
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            gids = descendant["/CIDToGIDMap"].get_object().get_data()
            fonts[str(name)] = EmbeddedFont(
                resource=str(name),
                base_font=str(font["/BaseFont"]),
                to_unicode=_to_unicode(font["/ToUnicode"].get_object().get_data()),
                cid_to_gid={
                    cid: int.from_bytes(gids[2 * cid : 2 * cid + 2], "big")
                    for cid in range(len(gids) // 2)
                },
                font=TTFont(io.BytesIO(program.get_data())),
            )
    return fonts


@dataclass
class DrawnLine:
    """One text object (fpdf2 writes one per cell): its glyphs in drawing order, which is left
    to right on the page."""

    page: int
    font: str
    cids: list[int]
    texts: list[str]  # each glyph's ToUnicode text ("" for a mark, "\ufffd" if unmapped)

    @property
    def visual(self) -> str:
        """The text in drawing order (a glyph that stands for several letters contributes them
        reversed, so that reversing the whole gives logical order back for Arabic)."""
        return "".join(text[::-1] for text in self.texts)


def drawn_lines(pdf: bytes) -> list[DrawnLine]:
    """Every text object of every page, decoded through the fonts' ToUnicode maps (two-byte
    codes, as fpdf2's Identity-H fonts use)."""
    r = reader(pdf)
    lines: list[DrawnLine] = []
    for number, page in enumerate(r.pages, start=1):
        maps = {
            str(name): _to_unicode(ref.get_object()["/ToUnicode"].get_object().get_data())
            for name, ref in page["/Resources"]["/Font"].items()
        }
        font = ""
        line: DrawnLine | None = None
        for operands, operator in ContentStream(page.get_contents(), r).operations:
            if operator == b"Tf":
                font = str(operands[0])
            elif operator == b"BT":
                line = DrawnLine(page=number, font=font, cids=[], texts=[])
            elif operator == b"ET" and line is not None:
                if line.cids:
                    lines.append(line)
                line = None
            elif operator in (b"Tj", b"TJ") and line is not None:
                line.font = font
                items = operands[0] if operator == b"TJ" else [operands[0]]
                for item in items:
                    if isinstance(item, int | float):
                        continue
                    data = getattr(item, "original_bytes", None) or bytes(item)
                    for i in range(0, len(data), 2):
                        cid = int.from_bytes(data[i : i + 2], "big")
                        line.cids.append(cid)
                        line.texts.append(maps[font].get(cid, "\ufffd"))
    return lines


def qr_images(pdf: bytes) -> list:
    """The PIL images drawn on the first page."""
    return [image.image for image in reader(pdf).pages[0].images]
