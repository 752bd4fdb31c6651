"""The bilingual A4 page the service's documents share (the receipt, the visit permit).

fpdf2 lays out the page; its text shaping (HarfBuzz, through uharfbuzz) applies the font's
OpenType Arabic features — joining forms, the lam-alef ligature, mark positioning — and its
Unicode bidi algorithm puts Arabic runs right to left, numbers and Latin inside them included.
Every label is in English (left) and Arabic (right). A document subclasses ``BilingualPDF``,
draws its sections with the helpers here (a title, label–value rows, a verification block with
the QR code, a note, the footer) and ``finish`` gives its bytes.

Text extraction: a shaped Arabic letter may be drawn as several glyphs (Noto draws the dots of
ب ت ي ف ق … as marks on a dotless body). fpdf2 maps the letter to the first glyph of its
cluster and leaves the others unmapped, which extractors then print as stray characters; after
rendering, those extra glyphs get an empty ToUnicode entry (they carry no text of their own),
so copying or extracting the text gives the Arabic letters in logical order and nothing else.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from core.verification import display_verification_code
from payments.receipts.fonts import (
    FAMILY,
    ReceiptTextNotRenderable,
    covered_codepoints,
    font_file,
)
from payments.receipts.verification import qr_image

# Colours (RGB).
INK = (33, 37, 41)
MUTED = (96, 103, 112)
ACCENT = (0, 110, 60)
RULE = (206, 212, 218)
SHADE = (241, 243, 245)
ACCENT_SHADE = (229, 242, 235)

MARGIN = 15.0
PAGE_W = 210.0
PAGE_H = 297.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 13.0
BOTTOM = PAGE_H - 20.0  # content stops above this line
VERIFICATION_H = 42.0

Bilingual = tuple[str, str]  # (English, Arabic)


class BilingualPDF(FPDF):
    def __init__(
        self, *, title: str, subject: str, created: datetime, footer: Bilingual, total_pages: int
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer
        self.total_pages = total_pages
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.c_margin = 1.2
        self.add_font(FAMILY, "", str(font_file("")))
        self.add_font(FAMILY, "B", str(font_file("B")))
        self.set_font(FAMILY, "", 9)
        self.set_text_shaping(True)
        self.set_title(title)
        self.set_subject(subject)
        self.set_author("Iqama")
        self.set_creator("Iqama documents")
        self.set_creation_date(created)

    # -- drawing helpers --------------------------------------------------------------------

    def text_at(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        align: str = "L",
        size: float = 9,
        style: str = "",
        color: tuple[int, int, int] = INK,
        min_size: float = 5.5,
    ) -> None:
        """One line of text in a box, shrunk (never cut) until it fits the box's width."""
        covered = covered_codepoints(style)
        missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
        if missing:
            raise ReceiptTextNotRenderable(
                f"The font has no glyph for {''.join(missing)!r} (in {text!r})."
            )
        self.set_font(FAMILY, style, size)
        while size > min_size and self.get_string_width(text) > w - 2 * self.c_margin:
            size -= 0.25
            self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_xy(x, y)
        self.cell(w, h, text, align=align)

    def pair(
        self, y: float, text: Bilingual, *, size: float = 9, style: str = "", color=MUTED
    ) -> None:
        """An English text at the left and its Arabic at the right of the content width."""
        en, ar = text
        half = CONTENT_W / 2
        self.text_at(MARGIN, y, half, 5, en, size=size, style=style, color=color)
        self.text_at(MARGIN + half, y, half, 5, ar, align="R", size=size, style=style, color=color)

    def rule(self, y: float, color=RULE, width: float = 0.2) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(MARGIN, y, MARGIN + CONTENT_W, y)

    # -- page furniture ---------------------------------------------------------------------

    def footer(self) -> None:
        page, pages = self.page_no(), self.total_pages
        en, ar = self.footer_text
        self.rule(FOOTER_Y - 1.5)
        half = CONTENT_W / 2
        self.text_at(
            MARGIN, FOOTER_Y, half, 5, f"{en} · page {page} of {pages}", size=7.5, color=MUTED
        )
        self.text_at(
            MARGIN + half,
            FOOTER_Y,
            half,
            5,
            f"{ar} · صفحة {page} من {pages}",
            align="R",
            size=7.5,
            color=MUTED,
        )

    def page_header(self, title: Bilingual, subtitle: Bilingual) -> float:
        self.add_page()
        y = MARGIN
        en, ar = title
        half = CONTENT_W / 2
        self.text_at(MARGIN, y, half, 9, en, size=17, style="B", color=ACCENT)
        self.text_at(MARGIN + half, y, half, 9, ar, align="R", size=17, style="B", color=ACCENT)
        self.pair(y + 9.5, subtitle, size=9)
        self.rule(y + 16.5, ACCENT, 0.6)
        return y + 19.5

    # -- sections ---------------------------------------------------------------------------

    def label_rows(
        self, y: float, rows: list[tuple[Bilingual | None, str, str]], *, label_w: float = 48.0
    ) -> float:
        """Rows of an English label (left), a value (centre), the Arabic label (right); a row
        without a label continues the value above (a name's Arabic line)."""
        value_w = CONTENT_W - 2 * label_w
        for label, value, style in rows:
            if label is not None:
                en, ar = label
                self.text_at(MARGIN, y, label_w, 6.5, en, color=MUTED)
                self.text_at(
                    MARGIN + label_w + value_w, y, label_w, 6.5, ar, align="R", color=MUTED
                )
            self.text_at(MARGIN + label_w, y, value_w, 6.5, value, align="C", size=10, style=style)
            y += 6.5
        self.rule(y + 1.5)
        return y + 4

    def verification_block(
        self, y: float, *, code: str, url: str, label: Bilingual, scan: Bilingual
    ) -> float:
        """The QR code of ``url`` beside the code, and how to check the document with it."""
        qr = 36.0
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.rect(
            MARGIN, y, CONTENT_W, VERIFICATION_H, style="D", round_corners=True, corner_radius=2
        )
        self.image(qr_image(url), x=MARGIN + 3, y=y + 3, w=qr, h=qr)
        x = MARGIN + qr + 8
        w = MARGIN + CONTENT_W - 3 - x
        en, ar = label
        self.text_at(x, y + 4, w / 2, 5, en, size=8, color=MUTED)
        self.text_at(x + w / 2, y + 4, w / 2, 5, ar, align="R", size=8, color=MUTED)
        self.text_at(
            x, y + 10, w, 8, display_verification_code(code), align="C", size=15, style="B"
        )
        en, ar = scan
        self.text_at(x, y + 20, w, 5, en, size=8.5)
        self.text_at(x, y + 26, w, 5, ar, align="R", size=8.5)
        self.text_at(x, y + 33, w, 5, url, align="C", size=8, color=MUTED)
        return y + VERIFICATION_H

    def note(self, y: float, text: Bilingual) -> None:
        en, ar = text
        self.text_at(MARGIN, y, CONTENT_W, 5, en, size=7.5, color=MUTED)
        self.text_at(MARGIN, y + 5, CONTENT_W, 5, ar, align="R", size=7.5, color=MUTED)


def finish(pdf: FPDF) -> bytes:
    return _complete_to_unicode(bytes(pdf.output()))


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _complete_to_unicode(pdf_bytes: bytes) -> bytes:
    """Give every glyph that fpdf2 left out of a font's ToUnicode map an empty mapping.

    Those are the extra glyphs of a shaped cluster (the dots Noto draws as marks): the cluster's
    text is already mapped on its first glyph, so these carry none. Without an entry, text
    extractors print the raw glyph code as a stray character inside the Arabic words.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            cid_to_gid = descendant.get("/CIDToGIDMap")
            if id(font) in seen or cid_to_gid is None:
                continue
            seen.add(id(font))
            gids = cid_to_gid.get_object().get_data()
            used = {
                cid for cid in range(1, len(gids) // 2) if gids[2 * cid : 2 * cid + 2] != b"\0\0"
            }
            cmap = font["/ToUnicode"].get_object().get_data()
            if b"beginbfrange" in cmap:
                continue  # not the form fpdf2 writes: leave it alone
            mapped = {int(src, 16) for src, _ in _BFCHAR.findall(cmap)}
            missing = sorted(used - mapped)
            if not missing:
                continue
            blocks = b"".join(
                b"%d beginbfchar\n" % len(chunk)
                + b"".join(b"<%04X> <>\n" % cid for cid in chunk)
                + b"endbfchar\n"
                for chunk in (missing[i : i + 100] for i in range(0, len(missing), 100))
            )
            stream = DecodedStreamObject()
            stream.set_data(cmap.replace(b"endcmap", blocks + b"endcmap", 1))
            font[NameObject("/ToUnicode")] = writer._add_object(stream.flate_encode())
    writer.add_metadata({"/Producer": "Iqama documents (fpdf2, pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
