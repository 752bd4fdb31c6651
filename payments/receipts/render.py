"""The receipt as a PDF: ``render_receipt_pdf(data) -> bytes``.

fpdf2 lays out an A4 page; its text shaping (HarfBuzz, through uharfbuzz) applies the font's
OpenType Arabic features — joining forms, the lam-alef ligature, mark positioning — and its
Unicode bidi algorithm puts Arabic runs right to left, numbers and Latin inside them included.
Every label is in English (left) and Arabic (right); names and fee descriptions are given in
both, English on the upper line, Arabic right-aligned beneath. The QR code (a lossless 1-bit
image) holds ``verification_url(data.verification_code)``.

Text extraction: a shaped Arabic letter may be drawn as several glyphs (Noto draws the dots of
ب ت ي ف ق … as marks on a dotless body). fpdf2 maps the letter to the first glyph of its
cluster and leaves the others unmapped, which extractors then print as stray characters; after
rendering, those extra glyphs get an empty ToUnicode entry (they carry no text of their own),
so copying or extracting the text gives the Arabic letters in logical order and nothing else.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from fpdf import FPDF

from payments.receipts.data import (
    ReceiptData,
    ReceiptLine,
    format_kd_ar,
    format_kd_en,
    format_kuwait_time,
)
from payments.receipts.fonts import (
    FAMILY,
    ReceiptTextNotRenderable,
    covered_codepoints,
    font_file,
)
from payments.receipts.verification import (
    display_verification_code,
    qr_image,
    verification_url,
)

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

# Line table columns: (width mm, English heading, Arabic heading).
COLUMNS = (
    (8.0, "#", ""),
    (27.0, "Civil ID", "الرقم المدني"),
    (50.0, "Name", "الاسم"),
    (63.0, "Fee", "البيان"),
    (32.0, "Amount", "المبلغ"),
)
ROW_H = 12.0
HALF = ROW_H / 2

# Label text, English and Arabic.
T = {
    "title": ("Payment Receipt", "إيصال دفع"),
    "subtitle": (
        "Residency renewal fees · Iqama online service",
        "رسوم تجديد الإقامة · خدمة إقامة الإلكترونية",
    ),
    "number": ("Receipt No.", "رقم الإيصال"),
    "issued": ("Issued", "تاريخ الإصدار"),
    "application": ("Application", "رقم الطلب"),
    "payer": ("Payer", "الدافع"),
    "payer_civil_id": ("Payer's civil ID", "الرقم المدني للدافع"),
    "knet_reference": ("KNET reference", "الرقم المرجعي (كي نت)"),
    "knet_payment_id": ("KNET payment ID", "رقم عملية الدفع (كي نت)"),
    "paid": ("Paid on", "تاريخ الدفع"),
    "fees": ("Fees paid", "الرسوم المدفوعة"),
    "total": ("Total paid", "المبلغ الإجمالي المدفوع"),
    "code": ("Verification code", "رمز التحقق"),
    "scan": (
        "Scan the code or open the link to check that this receipt is genuine.",
        "امسح الرمز أو افتح الرابط للتحقق من صحة هذا الإيصال.",
    ),
    "note": (
        "Issued electronically: valid without signature or stamp. Times are Kuwait time (UTC+3).",
        "صدر هذا الإيصال إلكترونياً ولا يحتاج إلى توقيع أو ختم. الأوقات بتوقيت الكويت.",
    ),
}


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """The receipt as PDF bytes. Deterministic for the same data (creation date = issued_at)."""
    pdf = _ReceiptPDF(data, total_pages=1)
    pdf.render()
    if pdf.pages_count != 1:  # the footer says "page n of N": lay out again knowing N
        pdf = _ReceiptPDF(data, total_pages=pdf.pages_count)
        pdf.render()
    return _complete_to_unicode(bytes(pdf.output()))


class _ReceiptPDF(FPDF):
    def __init__(self, data: ReceiptData, total_pages: int) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.total_pages = total_pages
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.c_margin = 1.2
        self.add_font(FAMILY, "", str(font_file("")))
        self.add_font(FAMILY, "B", str(font_file("B")))
        self.set_font(FAMILY, "", 9)
        self.set_text_shaping(True)
        self.set_title(f"Receipt {data.number} / إيصال رقم {data.number}")
        self.set_subject("Residency renewal fees payment receipt / إيصال دفع رسوم تجديد الإقامة")
        self.set_author("Iqama")
        self.set_creator("Iqama receipts")
        self.set_creation_date(data.issued_at)

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
                f"The receipt font has no glyph for {''.join(missing)!r} (in {text!r})."
            )
        self.set_font(FAMILY, style, size)
        while size > min_size and self.get_string_width(text) > w - 2 * self.c_margin:
            size -= 0.25
            self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_xy(x, y)
        self.cell(w, h, text, align=align)

    def pair(self, y: float, key: str, *, size: float = 9, style: str = "", color=MUTED) -> None:
        """An English text at the left and its Arabic at the right of the content width."""
        en, ar = T[key]
        self.text_at(MARGIN, y, CONTENT_W / 2, 5, en, size=size, style=style, color=color)
        self.text_at(
            MARGIN + CONTENT_W / 2,
            y,
            CONTENT_W / 2,
            5,
            ar,
            align="R",
            size=size,
            style=style,
            color=color,
        )

    def rule(self, y: float, color=RULE, width: float = 0.2) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(MARGIN, y, MARGIN + CONTENT_W, y)

    # -- page furniture ---------------------------------------------------------------------

    def footer(self) -> None:
        number = self.data.number
        page, pages = self.page_no(), self.total_pages
        self.rule(FOOTER_Y - 1.5)
        self.text_at(
            MARGIN,
            FOOTER_Y,
            CONTENT_W / 2,
            5,
            f"Receipt {number} · page {page} of {pages}",
            size=7.5,
            color=MUTED,
        )
        self.text_at(
            MARGIN + CONTENT_W / 2,
            FOOTER_Y,
            CONTENT_W / 2,
            5,
            f"إيصال رقم {number} · صفحة {page} من {pages}",
            align="R",
            size=7.5,
            color=MUTED,
        )

    def page_header(self) -> float:
        self.add_page()
        y = MARGIN
        en, ar = T["title"]
        self.text_at(MARGIN, y, CONTENT_W / 2, 9, en, size=17, style="B", color=ACCENT)
        self.text_at(
            MARGIN + CONTENT_W / 2,
            y,
            CONTENT_W / 2,
            9,
            ar,
            align="R",
            size=17,
            style="B",
            color=ACCENT,
        )
        y += 9.5
        self.pair(y, "subtitle", size=9)
        y += 7
        self.rule(y, ACCENT, 0.6)
        return y + 3

    # -- sections ---------------------------------------------------------------------------

    def details(self, y: float) -> float:
        d = self.data
        rows = [
            ("number", d.number, "B"),
            ("issued", format_kuwait_time(d.issued_at), ""),
            ("application", d.application_reference, ""),
            ("payer", d.payer_name_en, "B"),
            (None, d.payer_name_ar_or_en, "B"),
            ("payer_civil_id", d.payer_civil_id, ""),
            ("knet_reference", d.knet_reference, ""),
            ("knet_payment_id", d.knet_payment_id, ""),
            ("paid", format_kuwait_time(d.paid_at), ""),
        ]
        label_w, value_w = 48.0, CONTENT_W - 2 * 48.0
        for key, value, style in rows:
            if key is not None:
                en, ar = T[key]
                self.text_at(MARGIN, y, label_w, 6.5, en, color=MUTED)
                self.text_at(
                    MARGIN + label_w + value_w, y, label_w, 6.5, ar, align="R", color=MUTED
                )
            self.text_at(MARGIN + label_w, y, value_w, 6.5, value, align="C", size=10, style=style)
            y += 6.5
        self.rule(y + 1.5)
        return y + 4

    def table_header(self, y: float) -> float:
        self.set_fill_color(*SHADE)
        self.rect(MARGIN, y, CONTENT_W, ROW_H, style="F")
        x = MARGIN
        for index, (width, en, ar) in enumerate(COLUMNS):
            numeric = index in (0, 4)
            self.text_at(x, y, width, HALF, en, align="R" if numeric else "L", size=8, style="B")
            self.text_at(x, y + HALF, width, HALF, ar, align="R", size=8, style="B")
            x += width
        return y + ROW_H

    def table_row(self, y: float, index: int, line: ReceiptLine) -> float:
        widths = [c[0] for c in COLUMNS]
        x = MARGIN
        self.text_at(x, y, widths[0], ROW_H, str(index), align="R", color=MUTED)
        x += widths[0]
        self.text_at(x, y, widths[1], ROW_H, line.civil_id)
        x += widths[1]
        self.text_at(x, y, widths[2], HALF, line.person_name_en)
        self.text_at(x, y + HALF, widths[2], HALF, line.person_name_ar_or_en, align="R")
        x += widths[2]
        self.text_at(x, y, widths[3], HALF, line.description_en)
        self.text_at(x, y + HALF, widths[3], HALF, line.description_ar_or_en, align="R")
        x += widths[3]
        self.text_at(x, y, widths[4], HALF, format_kd_en(line.amount), align="R")
        self.text_at(x, y + HALF, widths[4], HALF, format_kd_ar(line.amount), align="R")
        self.rule(y + ROW_H)
        return y + ROW_H

    def total_row(self, y: float, total: Decimal) -> float:
        self.set_fill_color(*ACCENT_SHADE)
        self.rect(MARGIN, y, CONTENT_W, ROW_H, style="F")
        label_w = CONTENT_W - COLUMNS[-1][0]
        en, ar = T["total"]
        self.text_at(MARGIN, y, label_w, HALF, en, size=10, style="B")
        self.text_at(MARGIN, y + HALF, label_w, HALF, ar, align="R", size=10, style="B")
        x = MARGIN + label_w
        self.text_at(x, y, COLUMNS[-1][0], HALF, format_kd_en(total), align="R", size=10, style="B")
        self.text_at(
            x, y + HALF, COLUMNS[-1][0], HALF, format_kd_ar(total), align="R", size=10, style="B"
        )
        return y + ROW_H

    def verification_block(self, y: float) -> float:
        code = self.data.verification_code
        url = verification_url(code)
        height, qr = 42.0, 36.0
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.rect(MARGIN, y, CONTENT_W, height, style="D", round_corners=True, corner_radius=2)
        self.image(qr_image(url), x=MARGIN + 3, y=y + 3, w=qr, h=qr)
        x = MARGIN + qr + 8
        w = MARGIN + CONTENT_W - 3 - x
        en, ar = T["code"]
        self.text_at(x, y + 4, w / 2, 5, en, size=8, color=MUTED)
        self.text_at(x + w / 2, y + 4, w / 2, 5, ar, align="R", size=8, color=MUTED)
        self.text_at(
            x, y + 10, w, 8, display_verification_code(code), align="C", size=15, style="B"
        )
        en, ar = T["scan"]
        self.text_at(x, y + 20, w, 5, en, size=8.5)
        self.text_at(x, y + 26, w, 5, ar, align="R", size=8.5)
        self.text_at(x, y + 33, w, 5, url, align="C", size=8, color=MUTED)
        return y + height

    # -- the document -----------------------------------------------------------------------

    def render(self) -> None:
        y = self.page_header()
        y = self.details(y)
        self.pair(y, "fees", size=10, style="B", color=INK)
        y = self.table_header(y + 6.5)
        for index, line in enumerate(self.data.lines, start=1):
            if y + ROW_H > BOTTOM:
                y = self.table_header(self.page_header())
            y = self.table_row(y, index, line)
        closing = ROW_H + 4 + 42 + 14  # total, gap, verification block, note
        if y + closing > BOTTOM:
            y = self.table_header(self.page_header())
        y = self.total_row(y, self.data.total)
        y = self.verification_block(y + 4)
        en, ar = T["note"]
        self.text_at(MARGIN, y + 3, CONTENT_W, 5, en, size=7.5, color=MUTED)
        self.text_at(MARGIN, y + 8, CONTENT_W, 5, ar, align="R", size=7.5, color=MUTED)


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _complete_to_unicode(pdf_bytes: bytes) -> bytes:
    """Give every glyph that fpdf2 left out of a font's ToUnicode map an empty mapping.

    Those are the extra glyphs of a shaped cluster (the dots Noto draws as marks): the cluster's
    text is already mapped on its first glyph, so these carry none. Without an entry, text
    extractors print the raw glyph code as a stray character inside the Arabic words.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

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
    writer.add_metadata({"/Producer": "Iqama receipts (fpdf2, pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
