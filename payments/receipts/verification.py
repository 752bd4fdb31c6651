"""Verification codes, the URL a receipt's QR code carries, and the public summary.

A code is 16 characters of Crockford's base 32 (80 random bits from ``secrets``): unguessable,
easy to read aloud or type (no I, L, O or U), printed in groups of four (``7KQ2-M9XD-…``) and
stored without the dashes. ``normalize_verification_code`` turns whatever a person typed or a
scanner read into the stored form — lower case, dashes, spaces, O for 0 and I/L for 1 are
forgiven — or ``None`` when it cannot be a code, so a lookup never runs on garbage.

The QR code holds ``verification_url(code)``: ``RECEIPTS["VERIFY_URL"]`` with ``{code}`` filled
in (default ``http://127.0.0.1:8000/receipts/verify/{code}``; production sets the public host).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from payments.receipts.data import ReceiptData
from payments.receipts.fonts import receipts_settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 16
DEFAULT_VERIFY_URL = "http://127.0.0.1:8000/receipts/verify/{code}"
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate_verification_code() -> str:
    """A new random code in stored form (16 characters, no dashes). Usable as a model field's
    ``default``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_verification_code(raw: str | None) -> str | None:
    """The stored form of a typed or scanned code, or None when it cannot be one."""
    if not isinstance(raw, str):
        return None
    code = "".join(raw.split()).replace("-", "").upper().translate(_FORGIVEN)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display_verification_code(code: str) -> str:
    """``7KQ2M9XD…`` -> ``7KQ2-M9XD-…`` (codes that are not ours are shown as they are)."""
    canonical = normalize_verification_code(code)
    if canonical is None:
        return code
    return "-".join(canonical[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def verification_url(code: str) -> str:
    """The absolute URL a receipt's QR code carries."""
    template = receipts_settings().get("VERIFY_URL") or DEFAULT_VERIFY_URL
    if "{code}" not in template:
        raise ValueError('RECEIPTS["VERIFY_URL"] must contain "{code}".')
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
