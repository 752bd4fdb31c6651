"""Names as on the civil ID: what a sponsor types is stored normalized, or refused with a code.

As reproduced, all of these were accepted: a right-to-left override, a name of zero-width
characters only, NUL, 10,000 combining marks, a 1 MB name."""

from __future__ import annotations

import datetime as dt

import pytest
from strawberry.relay import to_base64

from core.civil_id import make_civil_id
from core.models import Person
from core.names import Script, name_problem, normalize_text

pytestmark = pytest.mark.django_db

ADD = """mutation($sponsorId: ID!, $person: PersonInput!) {
  addDependent(sponsorId: $sponsorId, person: $person, relation: CHILD) {
    dependent { person { nameAr nameEn } } errors { field code message messageAr } } }"""


def child(**names) -> dict:
    born = dt.date(2017, 6, 6)
    return {
        "civilId": make_civil_id(born, 9100 + len(str(names))),
        "nameAr": "يوسف أحمد",
        "nameEn": "Yousef Ahmed",
        "nationality": "JOR",
        "dateOfBirth": born.isoformat(),
        "sex": "MALE",
        "passportNumber": "J1234567",
        "passportExpiry": "2031-01-01",
        **names,
    }


def add(gql, family, person) -> dict:
    sponsor = to_base64("Sponsor", family["sponsor"].pk)
    return gql(ADD, {"sponsorId": sponsor, "person": person})["data"]["addDependent"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("nameEn", "Yousef \u202eDEHMA", "NAME_FORBIDDEN_CHARACTER"),  # right-to-left override
        ("nameAr", "يوسف \u2067أحمد\u2069", "NAME_FORBIDDEN_CHARACTER"),  # isolates
        ("nameEn", "\u200b\u200c\u200d\ufeff", "NAME_FORBIDDEN_CHARACTER"),  # zero-width only
        ("nameEn", "Yousef\x00Ahmed", "NAME_FORBIDDEN_CHARACTER"),  # NUL
        ("nameEn", "Yousef\nAhmed", "NAME_FORBIDDEN_CHARACTER"),
        ("nameEn", "Z" + "\u0301" * 10_000, "NAME_TOO_LONG"),  # 10,000 combining marks
        ("nameEn", "Za" + "\u0301" * 5, "NAME_FORBIDDEN_CHARACTER"),
        ("nameEn", "a" * 1_000_000, "NAME_TOO_LONG"),  # 1 MB
        ("nameEn", "يوسف", "NAME_WRONG_SCRIPT"),
        ("nameAr", "Yousef", "NAME_WRONG_SCRIPT"),
        ("nameEn", "Yousef 2nd", "NAME_WRONG_SCRIPT"),
        ("nameEn", "Юсуф", "NAME_WRONG_SCRIPT"),  # Cyrillic looks Latin, is not
        ("nameEn", "   ", "REQUIRED"),
    ],
)
def test_a_name_a_civil_id_would_not_print_is_refused(gql, family, field, value, code):
    gql.login(family["user"])
    before = Person.objects.count()
    payload = add(gql, family, child(**{field: value}))
    assert payload["dependent"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["messageAr"]
    assert Person.objects.count() == before


def test_names_are_stored_normalized(gql, family):
    gql.login(family["user"])
    decomposed = "Jose\u0301  Mari\u0301a  O\u2019Neil-Smith"
    payload = add(gql, family, child(nameEn=decomposed, nameAr="  يُوسُف\u00a0أحمد "))
    assert payload["errors"] == []
    assert payload["dependent"]["person"] == {
        "nameEn": "José María O’Neil-Smith",
        "nameAr": "يُوسُف أحمد",
    }


@pytest.mark.parametrize(
    ("value", "script"),
    [
        ("Mohd. Rafi", Script.LATIN),
        ("Anne-Marie D'Souza", Script.LATIN),
        ("Nguyễn Thị Ánh", Script.LATIN),
        ("عبدُ اللّٰه", Script.ARABIC),  # a shadda with a vowel and a superscript alef
        ("محمد بن سلمان آل سعود", Script.ARABIC),
    ],
)
def test_real_names_pass(value, script):
    assert name_problem(normalize_text(value), script) is None
