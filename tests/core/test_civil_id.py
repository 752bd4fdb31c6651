import datetime as dt

import pytest

from core.civil_id import InvalidCivilId, check_digit, make_civil_id, parse_civil_id


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("288020122596", dt.date(1988, 2, 1)),
        ("227081660516", dt.date(1927, 8, 16)),
        ("292091998298", dt.date(1992, 9, 19)),
    ],
)
def test_real_numbers_parse_with_their_birth_date(number, born):
    assert parse_civil_id(number).birth_date == born


@pytest.mark.parametrize(
    "number",
    [
        "288020122597",  # wrong check digit
        "28802012259",  # 11 digits
        "2880201225960",  # 13 digits
        "28802012259A",  # not digits
        "988020122596",  # unknown century
        "288130122596",  # month 13
        "",
    ],
)
def test_invalid_numbers_are_refused(number):
    with pytest.raises(InvalidCivilId):
        parse_civil_id(number)


def test_numbers_whose_check_digit_would_be_ten_are_never_valid():
    heads = [f"2900101{n:04d}" for n in range(200)]
    impossible = [h for h in heads if check_digit(h) is None]
    assert impossible, "some serials must have no valid check digit"
    for head in impossible:
        for last in range(10):
            with pytest.raises(InvalidCivilId):
                parse_civil_id(f"{head}{last}")


def test_made_numbers_round_trip():
    for serial in range(1, 300, 7):
        born = dt.date(2001, 12, 31)
        assert parse_civil_id(make_civil_id(born, serial)).birth_date == born
