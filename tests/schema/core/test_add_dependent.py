"""addDependent: typed, bilingual errors in the payload; no partial writes."""

import datetime as dt

import pytest
from strawberry.relay import to_base64

from core.civil_id import make_civil_id
from core.models import Person

pytestmark = pytest.mark.django_db

MUTATION = """mutation($sponsorId: ID!, $person: PersonInput!, $relation: Relation!) {
  addDependent(sponsorId: $sponsorId, person: $person, relation: $relation) {
    dependent { relation person { civilId nameEn nameAr } }
    errors { field code message messageEn messageAr }
  }
}"""

SARA = {
    "civilId": "319040904246",
    "nameAr": "سارة كومار",
    "nameEn": "Sara Kumar",
    "nationality": "IND",
    "dateOfBirth": "2019-04-09",
    "sex": "FEMALE",
    "passportNumber": "Z1234567",
    "passportExpiry": "2030-01-01",
}


def add(gql, family, person, relation="CHILD", **headers):
    variables = {
        "sponsorId": to_base64("Sponsor", family["sponsor"].pk),
        "person": person,
        "relation": relation,
    }
    return gql(MUTATION, variables, **headers)["data"]["addDependent"]


@pytest.fixture
def sara():
    return {**SARA, "civilId": make_civil_id(dt.date(2019, 4, 9), 4242)}


def test_adds_a_child(gql, family, sara):
    gql.login(family["user"])
    payload = add(gql, family, sara)
    assert payload["errors"] == []
    assert payload["dependent"]["person"]["nameAr"] == "سارة كومار"
    assert payload["dependent"]["relation"] == "CHILD"


def test_invalid_civil_id_is_a_typed_error_in_english_by_default(gql, family, sara):
    gql.login(family["user"])
    payload = add(gql, family, {**sara, "civilId": "319040904247"})
    assert payload["dependent"] is None
    [error] = payload["errors"]
    assert error["field"] == "civilId"
    assert error["code"] == "INVALID_CIVIL_ID"
    assert error["message"] == error["messageEn"] == "This is not a valid Kuwaiti civil ID number."
    assert error["messageAr"] == "الرقم المدني غير صحيح."


def test_accept_language_arabic_picks_the_arabic_message(gql, family, sara):
    gql.login(family["user"])
    payload = add(
        gql, family, {**sara, "nationality": "ZZZ"}, HTTP_ACCEPT_LANGUAGE="ar-KW,ar;q=0.9,en;q=0.5"
    )
    [error] = payload["errors"]
    assert error["code"] == "INVALID_NATIONALITY"
    assert error["message"] == error["messageAr"]


def test_nothing_is_written_when_anything_is_wrong(gql, family, sara):
    gql.login(family["user"])
    before = Person.objects.count()
    payload = add(gql, family, {**sara, "passportExpiry": "2020-01-01"})
    assert [e["code"] for e in payload["errors"]] == ["PASSPORT_EXPIRED"]
    assert Person.objects.count() == before


def test_wrong_kind_of_id_is_not_found(gql, family, sara):
    gql.login(family["user"])
    variables = {
        "sponsorId": to_base64("Person", family["head"].pk),
        "person": sara,
        "relation": "CHILD",
    }
    result = gql(MUTATION, variables)
    assert result["data"]["addDependent"]["errors"][0]["code"] == "NOT_FOUND"


def test_malformed_id_is_a_clear_error_not_a_500(gql, family, sara):
    gql.login(family["user"])
    response = gql.post(MUTATION, {"sponsorId": "bm9wZQ==", "person": sara, "relation": "CHILD"})
    assert response.status_code == 200
    assert "GlobalID" in response.json()["errors"][0]["message"]


def test_anonymous_gets_not_found(gql, family, sara):
    payload = add(gql, family, sara)
    assert payload["errors"][0]["code"] == "NOT_FOUND"
