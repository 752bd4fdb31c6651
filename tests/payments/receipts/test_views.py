"""Serving receipts: the download response, signed links, the verification page."""

from __future__ import annotations

import pytest
from django.test import Client

from payments.receipts import receipt_download_response, receipt_filename, render_receipt_pdf
from payments.receipts.views import download_path, download_token
from tests.payments.receipts import urls as test_urls
from tests.payments.receipts.pdfinspect import extracted_text
from tests.payments.receipts.samples import CODE, family_receipt

pytestmark = pytest.mark.urls("tests.payments.receipts.urls")


def test_download_response_is_a_named_pdf():
    response = receipt_download_response(b"%PDF-1.3 fake", "R-2025-000123")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt-R-2025-000123.pdf"'
    assert response["Content-Length"] == "13"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"%PDF-1.3 fake"
    inline = receipt_download_response(b"x", "R-1", as_attachment=False)
    assert inline["Content-Disposition"] == 'inline; filename="receipt-R-1.pdf"'


@pytest.mark.parametrize(
    ("number", "filename"),
    [
        ("R-2025-000123", "receipt-R-2025-000123.pdf"),
        ('R/2025 "12"\r\nX-Evil: 1', "receipt-R-2025-12-X-Evil-1.pdf"),
        ("إيصال ١٢", "receipt-receipt.pdf"),
        ("../../etc/passwd", "receipt-etc-passwd.pdf"),
    ],
)
def test_file_names_are_safe(number, filename):
    assert receipt_filename(number) == filename


def test_a_signed_link_downloads_the_rendered_receipt():
    response = Client().get(download_path("17"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt-R-2025-000123.pdf"'
    assert response.content == render_receipt_pdf(family_receipt())
    assert "محمد عبدالله العجمي" in extracted_text(response.content)


def test_tampered_foreign_and_expired_links_are_404(settings):
    client = Client()
    token = download_token("17")
    assert client.get(f"/receipts/{token}x").status_code == 404
    assert client.get("/receipts/17").status_code == 404
    assert client.get(download_path("18")).status_code == 404  # signed, but no such receipt
    settings.RECEIPTS = {"LINK_SECONDS": -1}
    assert client.get(f"/receipts/{token}").status_code == 404


def test_downloads_are_get_only():
    assert Client().post(download_path("17")).status_code == 405


def test_the_verification_page_shows_the_public_summary():
    response = Client().get("/receipts/verify/7kq2-m9xd-hb4r-tw6c")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid receipt" in page and "إيصال صحيح" in page
    for shown in ("R-2025-000123", "KD 155.500", "155.500 د.ك", "516012345678", "2025-06-01 10:14"):
        assert shown in page
    for private in ("Al-Ajmi", "محمد", "285010112345", "Fatima"):
        assert private not in page
    assert response["Cache-Control"] == "no-store"


def test_unknown_and_malformed_codes_are_404_without_a_lookup():
    test_urls.LOOKED_UP.clear()
    client = Client()
    response = client.get("/receipts/verify/0000-0000-0000-0000")
    assert response.status_code == 404
    assert "Receipt not found" in response.content.decode()
    assert client.get("/receipts/verify/<script>").status_code == 404
    assert client.get("/receipts/verify/" + "A" * 200).status_code == 404
    assert test_urls.LOOKED_UP == ["0000000000000000"]
    assert CODE not in test_urls.LOOKED_UP
