"""Money and receipt data: Decimal dinars to the fils, refused when they could be wrong."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from payments.receipts import ReceiptLine, format_kd_ar, format_kd_en, format_kuwait_time, kd
from tests.payments.receipts.samples import family_receipt


@pytest.mark.parametrize(
    ("amount", "en", "ar"),
    [
        (Decimal("20"), "KD 20.000", "20.000 د.ك"),
        (Decimal("20.000"), "KD 20.000", "20.000 د.ك"),
        (Decimal("15.5"), "KD 15.500", "15.500 د.ك"),
        (Decimal("0.005"), "KD 0.005", "0.005 د.ك"),
        (Decimal("1250.250"), "KD 1250.250", "1250.250 د.ك"),
        (Decimal("2E+1"), "KD 20.000", "20.000 د.ك"),
        (100, "KD 100.000", "100.000 د.ك"),
        ("7.125", "KD 7.125", "7.125 د.ك"),
        (Decimal("-0"), "KD 0.000", "0.000 د.ك"),
    ],
)
def test_amounts_are_formatted_to_the_fils(amount, en, ar):
    assert format_kd_en(amount) == en
    assert format_kd_ar(amount) == ar
    assert str(kd(amount)) == en.removeprefix("KD ")


@pytest.mark.parametrize("amount", [Decimal("20.0001"), "1.2345", Decimal("NaN"), "Infinity", "x"])
def test_amounts_that_are_not_whole_fils_are_refused(amount):
    with pytest.raises(ValueError):
        kd(amount)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        kd(20.0)


def test_the_total_must_be_the_sum_of_the_lines():
    with pytest.raises(ValueError, match="not the sum"):
        family_receipt(total=Decimal("155.499"))
    assert family_receipt(total="155.5").total == Decimal("155.500")


def test_fees_cannot_be_negative():
    with pytest.raises(ValueError, match="negative"):
        ReceiptLine("A", "", "1", "Fee", "", Decimal("-1.000"))


def test_times_must_be_aware_and_print_in_kuwait_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        family_receipt(paid_at=datetime(2025, 6, 1, 10, 0))
    assert format_kuwait_time(family_receipt().paid_at) == "2025-06-01 10:14"


def test_a_receipt_has_lines_and_its_identifiers():
    with pytest.raises(ValueError, match="at least one line"):
        family_receipt(lines=[], total=Decimal(0))
    for field in ("number", "verification_code", "knet_reference", "payer_name_en"):
        with pytest.raises(ValueError, match=field):
            family_receipt(**{field: "  "})


def test_whitespace_is_tidied_and_lines_kept_as_a_tuple():
    receipt = family_receipt(payer_name_en="  Mohammed   Al-Ajmi ")
    assert receipt.payer_name_en == "Mohammed Al-Ajmi"
    assert isinstance(receipt.lines, tuple)
