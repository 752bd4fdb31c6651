"""The URL a receipt's QR code carries, and the public summary; the codes themselves are
``core.verification``'s (receipts and visit permits share them).

The QR code holds ``verification_url(code)``: ``RECEIPTS["VERIFY_URL"]`` with ``{code}`` filled
in (default ``http://127.0.0.1:8000/receipts/verify/{code}``; production sets the public host).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from core.verification import normalize_verification_code
from payments.receipts.data import ReceiptData
from payments.receipts.fonts import receipts_settings

DEFAULT_VERIFY_URL = "http://127.0.0.1:8000/receipts/verify/{code}"
DEFAULT_VISIT_PERMIT_VERIFY_URL = "http://127.0.0.1:8000/visit-permits/verify/{code}"
# The setting (a key of ``RECEIPTS``) and default of each kind of document's verification URL.
VERIFY_URLS = {
    "receipt": ("VERIFY_URL", DEFAULT_VERIFY_URL),
    "visit_permit": ("VISIT_PERMIT_VERIFY_URL", DEFAULT_VISIT_PERMIT_VERIFY_URL),
}


def verification_url(code: str, document: str = "receipt") -> str:
    """The absolute URL a document's QR code carries (a receipt's, a visit permit's)."""
    key, default = VERIFY_URLS[document]
    template = receipts_settings().get(key) or default
    if "{code}" not in template:
        raise ValueError(f'RECEIPTS["{key}"] must contain "{{code}}".')
    canonical = normalize_verification_code(code) or code
    return template.replace("{code}", quote(canonical, safe=""))


def qr_image(data: str):
    """A black-on-white QR code (PIL image, mode "1") of ``data``: error correction M, ten
    pixels a module and the standard four-module quiet zone, so it survives printing and a
    phone camera."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.make_image().get_image()


@dataclass(frozen=True)
class ReceiptVerification:
    """What a public verification (``verifyReceipt`` or the page behind the QR code) may show:
    enough to match a printed receipt, nothing that identifies the people on it (no names, no
    civil IDs)."""

    number: str
    issued_at: datetime
    paid_at: datetime
    total: Decimal
    knet_reference: str
    application_reference: str
    persons: int
    lines: int


def public_summary(data: ReceiptData) -> ReceiptVerification:
    return ReceiptVerification(
        number=data.number,
        issued_at=data.issued_at,
        paid_at=data.paid_at,
        total=data.total,
        knet_reference=data.knet_reference,
        application_reference=data.application_reference,
        persons=len({line.civil_id for line in data.lines}),
        lines=len(data.lines),
    )
