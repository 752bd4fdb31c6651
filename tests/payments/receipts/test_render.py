"""A rendered receipt, read back: both languages in the extracted text, Arabic shaped and drawn
right to left with a font that has its glyphs, amounts to the fils, the QR code scannable."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import zxingcpp

from payments.receipts import ReceiptLine, render_receipt_pdf, verification_url
from payments.receipts.render import COLUMNS, T
from tests.payments.receipts.pdfinspect import (
    arabic_words,
    drawn_lines,
    embedded_fonts,
    expected_rtl_visual,
    extracted_text,
    qr_images,
    reader,
)
from tests.payments.receipts.samples import CODE, family_receipt

ARABIC_NAMES = ["محمد عبدالله العجمي", "فاطمة حسن", "يوسف محمد"]
ARABIC_FEES = [
    "رسم الإقامة، المادة 18، سنة واحدة",
    "رسم الإقامة، المادة 22 زوجة، سنة واحدة",
    "التأمين الصحي، سنة واحدة",
    "مخالفة مرورية",
]
# A person pays here: the company payer's label is the other one (its own test).
ARABIC_LABELS = [ar for key, (_, ar) in T.items() if key != "payer_commercial_registration"] + [
    ar for _, _, ar in COLUMNS if ar
]
ARABIC_AMOUNTS = ["20.000 د.ك", "100.000 د.ك", "15.500 د.ك", "155.500 د.ك"]
ARABIC_FOOTER = "إيصال رقم R-2025-000123 · صفحة 1 من 1"
ARABIC_SUBTITLE = "رسوم تجديد إقامة · خدمة إقامة الإلكترونية"  # the service paid for
ALL_ARABIC = [
    *ARABIC_NAMES,
    *ARABIC_FEES,
    *ARABIC_LABELS,
    *ARABIC_AMOUNTS,
    ARABIC_FOOTER,
    ARABIC_SUBTITLE,
]


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_receipt_pdf(family_receipt())


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return extracted_text(pdf)


def test_is_one_a4_page(pdf):
    assert pdf.startswith(b"%PDF-")
    pages = reader(pdf).pages
    assert len(pages) == 1
    width, height = (float(v) for v in pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_english_text_is_extracted(text):
    for expected in [
        "Payment Receipt",
        "Receipt No.",
        "R-2025-000123",
        "APP-2025-004217",
        "Mohammed Abdullah Al-Ajmi",
        "Fatima Hassan",
        "Yousef Mohammed",
        "285010112345",
        "290020254321",
        "315030398765",
        "Residency fee, Art. 18, 1 year",
        "Health insurance, 1 year",
        "Traffic fine",
        "KNET reference",
        "516012345678",
        "100202515212345678",
        "KD 20.000",
        "KD 100.000",
        "KD 15.500",
        "KD 155.500",
        "Total paid",
        # Paid 07:14:30 UTC, issued 07:15 UTC: printed in Kuwait time (UTC+3).
        "2025-06-01 10:14",
        "2025-06-01 10:15",
        "7KQ2-M9XD-HB4R-TW6C",
        verification_url(CODE),
    ]:
        assert expected in text, expected


def test_arabic_text_is_extracted_in_logical_order(text):
    """pypdf gives the Arabic back as letters in reading order: whole names and labels, and
    every word of the mixed lines (whose runs extractors may order differently)."""
    for phrase in [*ARABIC_NAMES, "التأمين الصحي، سنة واحدة", "مخالفة مرورية"]:
        assert phrase in text, phrase
    for label in ARABIC_LABELS:
        for word in arabic_words(label):
            assert word in text, (label, word)
    for phrase in ALL_ARABIC:
        for word in arabic_words(phrase):
            assert word in text, (phrase, word)


def test_no_stray_characters_in_the_arabic(text):
    """Garbled Arabic (unmapped glyphs, tofu, letters out of order) would show up as words
    that were never written: every Arabic word extracted is one we rendered, and nothing
    extracted is a control character, a replacement character or a private-use code."""
    rendered = {word for phrase in ALL_ARABIC for word in arabic_words(phrase)}
    extracted = set(arabic_words(text))
    assert extracted, "no Arabic extracted at all"
    assert extracted <= rendered, extracted - rendered
    for char in text:
        category = unicodedata.category(char)
        assert char in "\n" or category not in ("Cc", "Co", "Cs"), repr(char)
        assert char != "\ufffd"


def test_arabic_is_drawn_right_to_left(pdf):
    """In drawing order (left to right on the page) each Arabic line is its text reversed,
    with numbers and Latin kept left to right inside it: "20.000 د.ك" is drawn ك.د then
    20.000, the number on the right where a right-to-left reader starts."""
    visual = {line.visual for line in drawn_lines(pdf)}
    for phrase in ALL_ARABIC:
        assert expected_rtl_visual(phrase) in visual, phrase
    assert "ك.د 20.000" in visual
    # English stays left to right.
    assert "KD 20.000" in visual
    assert "Mohammed Abdullah Al-Ajmi" in visual


def test_arabic_is_shaped(pdf):
    """Letters take their joined forms: a joining letter drawn in several positions uses
    several glyphs (initial, medial, final), where an unshaped text would repeat one glyph
    (or the presentation-form-less isolated one) everywhere."""
    fonts = embedded_fonts(pdf)
    glyphs_per_letter: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for line in drawn_lines(pdf):
        font = fonts[line.font]
        for cid, letter in zip(line.cids, line.texts, strict=True):
            if len(letter) == 1:
                glyphs_per_letter[letter].add((font.base_font, font.gid(cid)))
    # Letters without dots, so the glyph carrying the letter is its body (dotted letters are
    # drawn as a dotless body plus dot marks, and the text may sit on either).
    for letter in "محعلس":
        assert len(glyphs_per_letter[letter]) >= 2, (letter, glyphs_per_letter[letter])
    # "محمد": initial meem and medial meem are different glyphs.
    name = expected_rtl_visual(ARABIC_NAMES[0])
    matching = [line for line in drawn_lines(pdf) if line.visual == name]
    assert matching, "the payer's Arabic name is not drawn right to left"
    line = matching[0]
    font = fonts[line.font]
    meems = [font.glyph_name(c) for c, t in zip(line.cids, line.texts, strict=True) if t == "م"]
    assert len(set(meems)) >= 2, meems


def test_embedded_font_has_ink_for_every_arabic_letter(pdf):
    """Every Arabic letter printed is drawn by a glyph of the embedded font that has outlines,
    and no drawn glyph is .notdef (a box) or empty, except spaces: Arabic set in a font
    without Arabic would fail here even if its text were extracted correctly."""
    fonts = embedded_fonts(pdf)
    letters = {ch for phrase in ALL_ARABIC for ch in phrase if "\u0600" <= ch <= "\u06ff"}
    assert len(letters) > 20
    inked: set[str] = set()
    for line in drawn_lines(pdf):
        font = fonts[line.font]
        for cid, letter in zip(line.cids, line.texts, strict=True):
            assert letter != "\ufffd", ("a glyph without a ToUnicode entry", line.visual)
            assert font.gid(cid) != 0, ("tofu", line.visual)
            if letter.strip() or letter == "":  # letters, and marks (the dots)
                assert font.has_outline(cid), (letter, font.glyph_name(cid), line.visual)
                inked.update(letter)
    assert letters <= inked, letters - inked


def test_the_font_is_noto_sans_arabic_with_every_letter():
    from fontTools.ttLib import TTFont

    from payments.receipts.fonts import font_file

    letters = {ch for phrase in ALL_ARABIC for ch in phrase if "\u0600" <= ch <= "\u06ff"}
    for style in ("", "B"):
        font = TTFont(font_file(style))
        assert "Noto Sans Arabic" in font["name"].getBestFamilyName()
        assert "fvar" not in font  # a static instance
        cmap = font.getBestCmap()
        for ch in letters | set("KD0123456789.-:"):
            assert font["glyf"][cmap[ord(ch)]].numberOfContours != 0, ch
    assert TTFont(font_file("B"))["OS/2"].usWeightClass == 700
    assert TTFont(font_file(""))["OS/2"].usWeightClass == 400


def test_qr_code_decodes_to_the_verification_url(pdf):
    images = qr_images(pdf)
    assert len(images) == 1
    results = zxingcpp.read_barcodes(images[0])
    assert [(r.format, r.text) for r in results] == [
        (zxingcpp.BarcodeFormat.QRCode, "http://127.0.0.1:8000/receipts/verify/7KQ2M9XDHB4RTW6C")
    ]


def test_qr_code_follows_the_configured_url(settings):
    settings.RECEIPTS = {"VERIFY_URL": "https://iqama.example.kw/receipts/verify/{code}"}
    pdf = render_receipt_pdf(family_receipt())
    (result,) = zxingcpp.read_barcodes(qr_images(pdf)[0])
    assert result.text == f"https://iqama.example.kw/receipts/verify/{CODE}"
    assert result.text in extracted_text(pdf)


def test_amounts_are_printed_to_the_fils(text):
    receipt = family_receipt()
    for line in receipt.lines:
        assert f"KD {line.amount}" in text
        assert str(line.amount) in text
    assert str(receipt.total) == "155.500"
    assert "KD 155.500" in text


def test_many_lines_continue_on_more_pages():
    base = family_receipt()
    lines = [
        ReceiptLine(
            person_name_en=f"Dependent {n}",
            person_name_ar="ابن",
            civil_id=f"3150303{n:05d}",
            description_en="Residency fee, Art. 22 child, 1 year",
            description_ar="رسم الإقامة، المادة 22 ابن، سنة واحدة",
            amount=Decimal("20.000"),
        )
        for n in range(1, 41)
    ]
    pdf = render_receipt_pdf(family_receipt(lines=lines, total=Decimal("800.000")))
    pages = reader(pdf).pages
    assert len(pages) >= 2
    text = extracted_text(pdf)
    for n in range(1, 41):
        assert f"Dependent {n}\n" in text or f"Dependent {n} " in text
    for page in range(1, len(pages) + 1):
        assert f"page {page} of {len(pages)}" in text
        assert f"صفحة {page} من {len(pages)}" in text or expected_rtl_visual(
            f"إيصال رقم {base.number} · صفحة {page} من {len(pages)}"
        ) in {line.visual for line in drawn_lines(pdf)}
    # the table header is repeated on every page; the total is on the last
    headers = [line for line in drawn_lines(pdf) if line.visual == "Civil ID"]
    assert {line.page for line in headers} == set(range(1, len(pages) + 1))
    totals = [line for line in drawn_lines(pdf) if line.visual == "KD 800.000"]
    assert [line.page for line in totals] == [len(pages)]


def test_long_names_are_shrunk_not_cut():
    long_en = "Mohammed Abdullah Jaber Saud Hamad Al-Ajmi Al-Mutairi Al-Enezi"
    long_ar = "محمد عبدالله جابر سعود حمد العجمي المطيري العنزي"
    receipt = family_receipt(payer_name_en=long_en, payer_name_ar=long_ar)
    line = receipt.lines[0]
    lines = [
        ReceiptLine(
            person_name_en=long_en,
            person_name_ar=long_ar,
            civil_id=line.civil_id,
            description_en=line.description_en,
            description_ar=line.description_ar,
            amount=line.amount,
        ),
        *receipt.lines[1:],
    ]
    pdf = render_receipt_pdf(
        family_receipt(payer_name_en=long_en, payer_name_ar=long_ar, lines=lines)
    )
    text = extracted_text(pdf)
    assert long_en in text
    assert long_ar in text


def test_missing_arabic_names_fall_back_to_english():
    receipt = family_receipt(payer_name_ar="")
    pdf = render_receipt_pdf(receipt)
    visual = [line.visual for line in drawn_lines(pdf)]
    assert visual.count("Mohammed Abdullah Al-Ajmi") >= 3  # payer, payer again, line 1


def test_text_the_font_cannot_draw_is_refused():
    from payments.receipts.fonts import ReceiptTextNotRenderable

    with pytest.raises(ReceiptTextNotRenderable, match="王"):
        render_receipt_pdf(family_receipt(payer_name_en="Wang 王"))
    # Latin with accents is covered
    render_receipt_pdf(family_receipt(payer_name_en="José Müller-Ştefan"))


def test_rendering_is_deterministic():
    receipt = family_receipt()
    assert render_receipt_pdf(receipt) == render_receipt_pdf(receipt)


def test_metadata():
    meta = reader(render_receipt_pdf(family_receipt())).metadata
    assert "R-2025-000123" in meta.title
    assert meta.creation_date == datetime(2025, 6, 1, 7, 15, tzinfo=UTC)


def test_a_company_payer_shows_its_commercial_registration():
    company = family_receipt(
        payer_name_en="Gulf Tech Trading Co.",
        payer_name_ar="شركة الخليج التقنية للتجارة",
        payer_civil_id="CR-104233",
        payer_id_kind="commercial_registration",
    )
    text = extracted_text(render_receipt_pdf(company))
    assert "Commercial registration" in text and "CR-104233" in text
    assert "Payer's civil ID" not in text
