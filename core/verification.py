"""Verification codes of the documents the service issues (receipts, visit permits).

A code is 16 characters of Crockford's base 32 (80 random bits from ``secrets``): unguessable,
easy to read aloud or type (no I, L, O or U), printed in groups of four (``7KQ2-M9XD-…``) and
stored without the dashes. ``normalize_verification_code`` turns whatever a person typed or a
scanner read into the stored form — lower case, dashes, spaces, O for 0 and I/L for 1 are
forgiven — or ``None`` when it cannot be a code, so a lookup never runs on garbage.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 16
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
