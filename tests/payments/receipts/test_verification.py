"""Verification codes and URLs, and what a public verification may show."""

from __future__ import annotations

import pytest

from core.verification import ALPHABET, CODE_LENGTH
from payments.receipts import (
    display_verification_code,
    generate_verification_code,
    normalize_verification_code,
    public_summary,
    verification_url,
)
from tests.payments.receipts.samples import CODE, family_receipt


def test_generated_codes_are_random_crockford_base32():
    codes = {generate_verification_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == CODE_LENGTH == 16
        assert set(code) <= set(ALPHABET)
        assert normalize_verification_code(code) == code


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2M9XDHB4RTW6C",
        "7kq2-m9xd-hb4r-tw6c",
        " 7KQ2 M9XD HB4R TW6C ",
        "7KQ2-M9XD-HB4R-TW6C",
    ],
)
def test_typed_codes_are_normalized(typed):
    assert normalize_verification_code(typed) == CODE


def test_confusable_letters_are_forgiven():
    assert normalize_verification_code("OOOO-IIII-LLLL-1111") == "0000111111111111"


@pytest.mark.parametrize(
    "garbage", [None, "", "7KQ2M9XDHB4RTW6", "7KQ2M9XDHB4RTW6CX", "7KQ2M9XDHB4RTW6U", "'; DROP", 42]
)
def test_garbage_is_not_a_code(garbage):
    assert normalize_verification_code(garbage) is None


def test_display_groups_by_four():
    assert display_verification_code(CODE) == "7KQ2-M9XD-HB4R-TW6C"
    assert display_verification_code("not ours") == "not ours"


def test_verification_url(settings):
    assert verification_url(CODE) == f"http://127.0.0.1:8000/receipts/verify/{CODE}"
    assert (
        verification_url("7kq2-m9xd-hb4r-tw6c") == f"http://127.0.0.1:8000/receipts/verify/{CODE}"
    )
    settings.RECEIPTS = {"VERIFY_URL": "https://iqama.example.kw/v/{code}?src=qr"}
    assert verification_url(CODE) == f"https://iqama.example.kw/v/{CODE}?src=qr"
    settings.RECEIPTS = {"VERIFY_URL": "https://iqama.example.kw/v/"}
    with pytest.raises(ValueError, match=r"\{code\}"):
        verification_url(CODE)


def test_public_summary_names_no_one():
    receipt = family_receipt()
    summary = public_summary(receipt)
    assert summary.number == "R-2025-000123"
    assert summary.total == receipt.total
    assert summary.persons == 3
    assert summary.lines == 4
    shown = repr(summary)
    for private in ("Al-Ajmi", "محمد", "285010112345", "Fatima", "100202515212345678"):
        assert private not in shown
