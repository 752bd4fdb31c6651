"""One civil ID, one person, however its digits are written.

As reproduced: ``2٧٠٠١٠٩٣٤٠١٨`` (an ASCII first digit, then Arabic-Indic digits) was accepted
and created a second person for an existing civil ID. Every way in (GraphQL, the admin, the
database itself) now takes digits of any script as ASCII, or refuses them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from strawberry.relay import to_base64

from core.civil_id import make_civil_id, normalize_digits, parse_civil_id
from core.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ADD = """mutation($sponsorId: ID!, $person: PersonInput!) {
  addDependent(sponsorId: $sponsorId, person: $person, relation: CHILD) {
    dependent { person { civilId } } errors { field code } } }"""


def spellings(number: str) -> list[str]:
    return [
        number[0] + number[1:].translate(ARABIC_INDIC),  # the reported one
        number.translate(ARABIC_INDIC),
        number.translate(PERSIAN),
        number.translate(FULL_WIDTH),
        f"  {number} ",
    ]


def test_any_script_parses_to_the_ascii_number():
    number = make_civil_id(dt.date(1970, 1, 9), 3401)
    for spelled in spellings(number):
        assert normalize_digits(spelled) == number
        assert parse_civil_id(spelled).number == number


def test_adding_an_existing_civil_id_in_other_digits_finds_the_same_person(gql, family):
    born = dt.date(2016, 3, 3)
    number = make_civil_id(born, 777)
    child = {
        "civilId": number,
        "nameAr": "ليلى",
        "nameEn": "Laila",
        "nationality": "EGY",
        "dateOfBirth": born.isoformat(),
        "sex": "FEMALE",
        "passportNumber": "A٧٧٧٧٧٧",
        "passportExpiry": "2031-01-01",
    }
    gql.login(family["user"])
    sponsor = to_base64("Sponsor", family["sponsor"].pk)
    first = gql(ADD, {"sponsorId": sponsor, "person": child})["data"]["addDependent"]
    assert first["dependent"]["person"]["civilId"] == number
    for spelled in spellings(number):
        again = gql(ADD, {"sponsorId": sponsor, "person": {**child, "civilId": spelled}})
        assert again["data"]["addDependent"]["errors"][0]["code"] == "ALREADY_DEPENDENT"
    assert Person.objects.filter(date_of_birth=born).count() == 1
    assert Person.objects.get(date_of_birth=born).passport_number == "A777777"


def test_the_admin_stores_ascii_and_refuses_the_duplicate(family):
    existing = family["wife"]
    officer = factories.user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(officer)
    form = {
        "civil_id": existing.civil_id[0] + existing.civil_id[1:].translate(ARABIC_INDIC),
        "name_ar": "زوجة أخرى",
        "name_en": "Another Wife",
        "nationality": "IND",
        "date_of_birth": existing.date_of_birth.isoformat(),
        "sex": "F",
        "passport_number": "P1234567",
        "passport_expiry": "2031-01-01",
    }
    before = Person.objects.count()
    response = client.post("/admin/core/person/add/", form)
    assert response.status_code == 200  # the form again, with its error
    assert "already exists" in response.content.decode()
    assert Person.objects.count() == before

    new_number = make_civil_id(dt.date(1991, 5, 5), 55)
    created = client.post(
        "/admin/core/person/add/",
        {**form, "civil_id": new_number.translate(PERSIAN), "date_of_birth": "1991-05-05"},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    assert Person.objects.filter(civil_id=new_number).exists()


def test_the_database_refuses_a_civil_id_that_is_not_ascii(family):
    wife = family["wife"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=wife.pk).update(civil_id=wife.civil_id.translate(ARABIC_INDIC))


def test_the_admin_search_finds_a_civil_id_typed_in_arabic_digits(family):
    officer = factories.user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(officer)
    wife = family["wife"]
    response = client.get("/admin/core/person/", {"q": wife.civil_id.translate(ARABIC_INDIC)})
    assert wife.name_en in response.content.decode()
