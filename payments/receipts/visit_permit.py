"""The visit permit as a PDF: ``render_visit_permit_pdf(data) -> bytes``, on the receipt's
bilingual page (``layout``), with its own verification code and QR link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from payments.receipts.data import format_kuwait_time
from payments.receipts.layout import ACCENT, CONTENT_W, MARGIN, BilingualPDF, finish
from payments.receipts.verification import verification_url

T = {
    "title": ("Visit Permit", "إذن زيارة"),
    "subtitle": (
        "Family visit · Iqama online service",
        "زيارة عائلية · خدمة إقامة الإلكترونية",
    ),
    "number": ("Permit No.", "رقم الإذن"),
    "issued": ("Issued", "تاريخ الإصدار"),
    "application": ("Application", "رقم الطلب"),
    "visitor": ("Visitor", "الزائر"),
    "passport": ("Passport", "جواز السفر"),
    "nationality": ("Nationality", "الجنسية"),
    "born": ("Date of birth", "تاريخ الميلاد"),
    "relation": ("Relation to host", "صلة القرابة"),
    "host": ("Host", "المضيف"),
    "host_civil_id": ("Host's civil ID", "الرقم المدني للمضيف"),
    "valid": ("Valid", "مدة الصلاحية"),
    "code": ("Verification code", "رمز التحقق"),
    "scan": (
        "Scan the code or open the link to check that this permit is genuine.",
        "امسح الرمز أو افتح الرابط للتحقق من صحة هذا الإذن.",
    ),
    "note": (
        "Issued electronically: valid without signature or stamp. Dates are Kuwait's calendar.",
        "صدر هذا الإذن إلكترونياً ولا يحتاج إلى توقيع أو ختم. التواريخ حسب توقيت الكويت.",
    ),
}
RELATIONS = {
    "spouse": ("Spouse", "زوج / زوجة"),
    "child": ("Child", "ابن / ابنة"),
    "parent": ("Parent", "أب / أم"),
}


@dataclass(frozen=True)
class VisitPermitData:
    number: str
    issued_at: dt.datetime
    valid_from: dt.date
    valid_until: dt.date
    application_reference: str
    visitor_name_en: str
    visitor_name_ar: str
    passport_number: str
    nationality: str
    date_of_birth: dt.date
    relation: str
    host_name_en: str
    host_name_ar: str
    host_civil_id: str
    verification_code: str


def render_visit_permit_pdf(data: VisitPermitData) -> bytes:
    pdf = _VisitPermitPDF(data)
    pdf.render()
    return finish(pdf)


class _VisitPermitPDF(BilingualPDF):
    def __init__(self, data: VisitPermitData) -> None:
        super().__init__(
            title=f"Visit permit {data.number} / إذن زيارة رقم {data.number}",
            subject="Family visit permit / إذن زيارة عائلية",
            created=data.issued_at,
            footer=(f"Visit permit {data.number}", f"إذن زيارة رقم {data.number}"),
            total_pages=1,
        )
        self.data = data

    def render(self) -> None:
        d = self.data
        relation_en, relation_ar = RELATIONS.get(d.relation, (d.relation, d.relation))
        y = self.page_header(T["title"], T["subtitle"])
        y = self.label_rows(
            y,
            [
                (T["number"], d.number, "B"),
                (T["issued"], format_kuwait_time(d.issued_at), ""),
                (T["application"], d.application_reference, ""),
            ],
        )
        # The validity, large: what a border officer reads first.
        self.set_fill_color(229, 242, 235)
        self.rect(MARGIN, y, CONTENT_W, 16, style="F")
        self.pair(y + 1.5, T["valid"], size=8)
        self.text_at(
            MARGIN,
            y + 7,
            CONTENT_W,
            8,
            f"{d.valid_from.isoformat()}  –  {d.valid_until.isoformat()}",
            align="C",
            size=15,
            style="B",
            color=ACCENT,
        )
        y = self.label_rows(
            y + 19,
            [
                (T["visitor"], d.visitor_name_en, "B"),
                (None, d.visitor_name_ar, "B"),
                (T["passport"], d.passport_number, ""),
                (T["nationality"], d.nationality, ""),
                (T["born"], d.date_of_birth.isoformat(), ""),
                (T["relation"], f"{relation_en} · {relation_ar}", ""),
                (T["host"], d.host_name_en, "B"),
                (None, d.host_name_ar, "B"),
                (T["host_civil_id"], d.host_civil_id, ""),
            ],
        )
        code = d.verification_code
        y = self.verification_block(
            y + 2,
            code=code,
            url=verification_url(code, "visit_permit"),
            label=T["code"],
            scan=T["scan"],
        )
        self.note(y + 3, T["note"])
