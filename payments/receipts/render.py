"""The receipt as a PDF: ``render_receipt_pdf(data) -> bytes``, on the shared bilingual page
(``layout``). Names and fee descriptions are given in both languages, English on the upper
line, Arabic right-aligned beneath; the QR code holds ``verification_url(data.verification_code)``.
"""

from __future__ import annotations

from decimal import Decimal

from payments.receipts.data import (
    ReceiptData,
    ReceiptLine,
    format_kd_ar,
    format_kd_en,
    format_kuwait_time,
)
from payments.receipts.layout import (
    ACCENT_SHADE,
    BOTTOM,
    CONTENT_W,
    INK,
    MARGIN,
    MUTED,
    SHADE,
    VERIFICATION_H,
    BilingualPDF,
    finish,
)
from payments.receipts.verification import verification_url

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
    "number": ("Receipt No.", "رقم الإيصال"),
    "issued": ("Issued", "تاريخ الإصدار"),
    "application": ("Application", "رقم الطلب"),
    "payer": ("Payer", "الدافع"),
    "payer_civil_id": ("Payer's civil ID", "الرقم المدني للدافع"),
    "payer_commercial_registration": ("Commercial registration", "السجل التجاري"),
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
    return finish(pdf)


class _ReceiptPDF(BilingualPDF):
    def __init__(self, data: ReceiptData, total_pages: int) -> None:
        super().__init__(
            title=f"Receipt {data.number} / إيصال رقم {data.number}",
            subject=f"{data.service_en} fees payment receipt / إيصال دفع رسوم {data.service_ar}",
            created=data.issued_at,
            footer=(f"Receipt {data.number}", f"إيصال رقم {data.number}"),
            total_pages=total_pages,
        )
        self.data = data

    def header_block(self) -> float:
        d = self.data
        subtitle = (
            f"{d.service_en} fees · Iqama online service",
            f"رسوم {d.service_ar} · خدمة إقامة الإلكترونية",
        )
        return self.page_header(T["title"], subtitle)

    def details(self, y: float) -> float:
        d = self.data
        return self.label_rows(
            y,
            [
                (T["number"], d.number, "B"),
                (T["issued"], format_kuwait_time(d.issued_at), ""),
                (T["application"], d.application_reference, ""),
                (T["payer"], d.payer_name_en, "B"),
                (None, d.payer_name_ar_or_en, "B"),
                (T[f"payer_{d.payer_id_kind}"], d.payer_civil_id, ""),
                (T["knet_reference"], d.knet_reference, ""),
                (T["knet_payment_id"], d.knet_payment_id, ""),
                (T["paid"], format_kuwait_time(d.paid_at), ""),
            ],
        )

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

    # -- the document -----------------------------------------------------------------------

    def render(self) -> None:
        y = self.details(self.header_block())
        self.pair(y, T["fees"], size=10, style="B", color=INK)
        y = self.table_header(y + 6.5)
        for index, line in enumerate(self.data.lines, start=1):
            if y + ROW_H > BOTTOM:
                y = self.table_header(self.header_block())
            y = self.table_row(y, index, line)
        closing = ROW_H + 4 + VERIFICATION_H + 14  # total, gap, verification block, note
        if y + closing > BOTTOM:
            y = self.table_header(self.header_block())
        y = self.total_row(y, self.data.total)
        code = self.data.verification_code
        y = self.verification_block(
            y + 4, code=code, url=verification_url(code), label=T["code"], scan=T["scan"]
        )
        self.note(y + 3, T["note"])
