"""Payment receipts: a bilingual (Arabic/English) PDF per payment, verifiable by QR code.

The API for the rest of the project (see docs/receipts.md):

- ``ReceiptData`` / ``ReceiptLine``: what a receipt says, as plain data;
- ``render_receipt_pdf(data) -> bytes``;
- ``generate_verification_code()``, ``normalize_verification_code(raw)``,
  ``verification_url(code)``, ``public_summary(data)``;
- ``receipt_download_response(pdf_bytes, number)`` and the views in ``payments.receipts.views``.
"""

from core.verification import (
    display_verification_code,
    generate_verification_code,
    normalize_verification_code,
)
from payments.receipts.data import (
    ReceiptData,
    ReceiptLine,
    format_kd_ar,
    format_kd_en,
    format_kuwait_time,
    kd,
)
from payments.receipts.render import render_receipt_pdf
from payments.receipts.verification import ReceiptVerification, public_summary, verification_url
from payments.receipts.views import receipt_download_response, receipt_filename

__all__ = [
    "ReceiptData",
    "ReceiptLine",
    "ReceiptVerification",
    "display_verification_code",
    "format_kd_ar",
    "format_kd_en",
    "format_kuwait_time",
    "generate_verification_code",
    "kd",
    "normalize_verification_code",
    "public_summary",
    "receipt_download_response",
    "receipt_filename",
    "render_receipt_pdf",
    "verification_url",
]
