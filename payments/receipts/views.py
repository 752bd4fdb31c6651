"""Serving receipts: the download response, short-lived signed download links, the download
view and the public verification page behind the QR code.

Authorization is not decided here. As for documents (core/documents/links.py), the lead's
GraphQL field (``Receipt.downloadUrl``) resolves only for the payer or authorized staff and
hands out ``download_path(key)``: a link signed with the project's secret that works for
``RECEIPTS["LINK_SECONDS"]`` (300 s by default) and only for that receipt. The view trusts the
signature, loads the receipt through the loader it was given and renders it. A tampered,
expired or foreign link, or a receipt that no longer loads, is answered 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core.verification import normalize_verification_code
from payments.receipts.data import (
    ReceiptData,
    format_kd_ar,
    format_kd_en,
    format_kuwait_time,
)
from payments.receipts.fonts import receipts_settings
from payments.receipts.render import render_receipt_pdf
from payments.receipts.verification import public_summary

SALT = "iqama.receipts.download"
DOWNLOAD_URL_NAME = "receipt-download"
VERIFY_URL_NAME = "receipt-verify"

Loader = Callable[[str], ReceiptData | None]


def receipt_filename(number: str, prefix: str = "receipt") -> str:
    """``receipt-R-2025-000123.pdf``: the number with anything but letters, digits, dot, dash
    and underscore replaced, so the name is safe in every header and file system."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or prefix
    return f"{prefix}-{safe}.pdf"


def receipt_download_response(
    pdf_bytes: bytes, number: str, *, as_attachment: bool = True, prefix: str = "receipt"
) -> HttpResponse:
    """The PDF as an HTTP response: ``application/pdf``, a file name from the document's number
    (a receipt's, a visit permit's), never cached by shared caches, never sniffed."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, receipt_filename(number, prefix)
    )
    response["Content-Length"] = str(len(pdf_bytes))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


# -- signed links -----------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def download_token(key: str | int) -> str:
    """A token naming one receipt (by whatever key the loader takes, e.g. the Receipt's pk)."""
    return _signer().sign(str(key))


def download_path(key: str | int) -> str:
    """The signed download path for a receipt; hand it out only to those who may see it."""
    return reverse(DOWNLOAD_URL_NAME, kwargs={"token": download_token(key)})


def receipt_key_from(token: str) -> str | None:
    """The key a link names, or None when it is tampered with or expired."""
    max_age = int(receipts_settings().get("LINK_SECONDS", 300))
    try:
        return _signer().unsign(token, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None


# -- views ------------------------------------------------------------------------------------


def download_view(load_by_key: Loader) -> Callable[..., HttpResponse]:
    """A view serving ``<token>``: the signed link's receipt, rendered."""

    @require_GET
    def download(request: HttpRequest, token: str) -> HttpResponse:
        key = receipt_key_from(token)
        data = load_by_key(key) if key is not None else None
        if data is None:
            raise Http404("No such receipt.")
        return receipt_download_response(render_receipt_pdf(data), data.number)

    return download


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
table{{width:100%;border-collapse:collapse}}td,th{{padding:.35rem;border-bottom:1px solid #ddd}}
th{{text-align:left;color:#555;font-weight:normal}}td.ar{{text-align:right;color:#555}}
.ok{{color:#006e3c}}.bad{{color:#a00}}</style></head><body>{body}</body></html>"""


def verification_page(title: str, body: str, status: int) -> HttpResponse:
    """A public verification page (the QR code opens it): not cached, not indexed."""
    response = HttpResponse(format_html(_PAGE, title=title, body=body), status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def verify_view(load_by_code: Loader) -> Callable[..., HttpResponse]:
    """The public page the QR code opens: whether the code belongs to a receipt, and if so the
    receipt's public summary (no names, no civil IDs — ``public_summary``)."""

    @require_GET
    def verify(request: HttpRequest, code: str) -> HttpResponse:
        canonical = normalize_verification_code(code)
        data = load_by_code(canonical) if canonical is not None else None
        if data is None:
            body = mark_safe(  # a constant: nothing from the request in it
                '<h1 class="bad">Receipt not found</h1>'
                '<h1 class="bad" dir="rtl" lang="ar">لم يتم العثور على الإيصال</h1>'
                "<p>No receipt has this verification code.</p>"
                '<p dir="rtl" lang="ar">لا يوجد إيصال بهذا الرمز.</p>'
            )
            status = 404
        else:
            summary = public_summary(data)
            rows = [
                ("Receipt No.", summary.number, "رقم الإيصال"),
                ("Issued", format_kuwait_time(summary.issued_at), "تاريخ الإصدار"),
                ("Paid on", format_kuwait_time(summary.paid_at), "تاريخ الدفع"),
                (
                    "Total paid",
                    f"{format_kd_en(summary.total)} / {format_kd_ar(summary.total)}",
                    "المبلغ الإجمالي المدفوع",
                ),
                ("KNET reference", summary.knet_reference, "الرقم المرجعي (كي نت)"),
                ("Application", summary.application_reference, "رقم الطلب"),
                ("Persons", str(summary.persons), "عدد الأشخاص"),
            ]
            body = format_html(
                '<h1 class="ok">Valid receipt</h1>'
                '<h1 class="ok" dir="rtl" lang="ar">إيصال صحيح</h1><table>{}</table>',
                format_html_join(
                    "",
                    '<tr><th>{}</th><td dir="auto">{}</td><td class="ar" dir="rtl" lang="ar">{}'
                    "</td></tr>",
                    rows,
                ),
            )
            status = 200
        return verification_page("Receipt verification · التحقق من الإيصال", body, status)

    return verify


def receipt_urls(*, load_by_key: Loader, load_by_code: Loader) -> list[URLPattern]:
    """URL patterns to mount (``path("receipts/", include(receipt_urls(...)))``):
    ``<token>`` downloads (name ``receipt-download``), ``verify/<code>`` verifies (name
    ``receipt-verify``; ``RECEIPTS["VERIFY_URL"]`` must point at it).

    ``load_by_key(key)`` returns the ``ReceiptData`` of the receipt a download link names, and
    ``load_by_code(code)`` that of the receipt with that (normalised) verification code; both
    return None when there is none.
    """
    return [
        path("verify/<str:code>", verify_view(load_by_code), name=VERIFY_URL_NAME),
        path("<str:token>", download_view(load_by_key), name=DOWNLOAD_URL_NAME),
    ]
