"""A company registers itself, confirmed by the Manpower Authority (the simulator), and its
signatory becomes its owner; the back office registers government bodies and missions, which
sponsor their staff under Art. 17."""

from __future__ import annotations

import pytest

from core.agencies.base import EstablishmentStatus
from core.agencies.establishments import find_file_number, signs_for_active
from core.articles import SponsorKind
from core.law.rules import Law
from core.models import AuditEntry, Sponsor, SponsorStaff
from tests import factories
from tests.support.staff import EMPLOYERS, sponsor_gid

pytestmark = pytest.mark.django_db

REGISTER = """mutation($cr: String!, $file: String!) {
  registerCompany(commercialRegistration: $cr, manpowerFileNumber: $file) {
    sponsor { id kind nameEn nameAr commercialRegistration manpowerFileNumber myScopes }
    errors { field code message messageEn messageAr }
  }
}"""
REGISTER_PUBLIC = """mutation(
  $kind: PublicSponsorKind!, $en: String!, $ar: String!, $owner: String!
) {
  registerGovernmentOrMission(kind: $kind, nameEn: $en, nameAr: $ar, ownerUsername: $owner) {
    sponsor { id kind nameEn } errors { field code messageAr }
  }
}"""


@pytest.fixture
def signatory():
    return factories.person(login=True)


def register(gql, person, file_number: str, registration: str) -> dict:
    gql.login(person.user)
    return gql(REGISTER, {"cr": registration, "file": file_number})["data"]["registerCompany"]


def test_a_signatory_registers_the_company_and_owns_it(gql, signatory):
    file_number, facts = find_file_number(signatory.civil_id, signs_for_active)
    registered = register(gql, signatory, file_number.lower(), f" {facts.commercial_registration}")
    assert registered["errors"] == []
    company = registered["sponsor"]
    assert company["kind"] == "COMPANY"
    assert (company["nameEn"], company["nameAr"]) == (facts.name_en, facts.name_ar)
    assert company["manpowerFileNumber"] == file_number
    assert company["commercialRegistration"] == facts.commercial_registration
    assert len(company["myScopes"]) == 5
    [row] = SponsorStaff.objects.filter(user=signatory.user)
    assert row.role == "owner"
    assert gql(EMPLOYERS)["data"]["me"]["employers"][0]["id"] == company["id"]
    entry = AuditEntry.objects.get(action="sponsor_registered")
    assert entry.actor == signatory.user and entry.detail["manpower_reference"] == facts.reference

    again = register(gql, factories.person(login=True), file_number, facts.commercial_registration)
    assert [e["code"] for e in again["errors"]] == ["ALREADY_REGISTERED"]


@pytest.mark.parametrize(
    ("wanted", "code"),
    [
        (lambda f: not f.found, "ESTABLISHMENT_UNKNOWN"),
        (
            lambda f: f.found and f.signatory and f.status == EstablishmentStatus.SUSPENDED,
            "ESTABLISHMENT_INACTIVE",
        ),
        (
            lambda f: f.found and f.signatory and f.status == EstablishmentStatus.CANCELLED,
            "ESTABLISHMENT_INACTIVE",
        ),
        (
            lambda f: f.found and not f.signatory and f.status == EstablishmentStatus.ACTIVE,
            "NOT_AUTHORISED_SIGNATORY",
        ),
    ],
)
def test_what_the_authority_does_not_confirm_is_refused(gql, signatory, wanted, code):
    file_number, facts = find_file_number(signatory.civil_id, wanted)
    refused = register(gql, signatory, file_number, facts.commercial_registration or "123456")
    [error] = refused["errors"]
    assert error["code"] == code and error["messageAr"] and error["messageEn"]
    assert refused["sponsor"] is None
    assert not Sponsor.objects.filter(manpower_file_number=file_number).exists()
    assert not SponsorStaff.objects.filter(user=signatory.user).exists()


def test_a_file_under_another_registration_is_unknown(gql, signatory):
    file_number, facts = find_file_number(signatory.civil_id, signs_for_active)
    refused = register(gql, signatory, file_number, str(int(facts.commercial_registration) + 1))
    assert [e["code"] for e in refused["errors"]] == ["ESTABLISHMENT_UNKNOWN"]


def test_bad_numbers_an_account_without_a_civil_id_and_a_silent_authority(gql, signatory, settings):
    bad = register(gql, signatory, "MPA/1 2", "")
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("commercialRegistration", "INVALID_COMMERCIAL_REGISTRATION"),
        ("manpowerFileNumber", "INVALID_FILE_NUMBER"),
    }
    gql.login(factories.user())
    no_person = gql(REGISTER, {"cr": "123456", "file": "MPA-1"})["data"]["registerCompany"]
    assert [e["code"] for e in no_person["errors"]] == ["RESIDENT_REQUIRED"]
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": ["manpower"]}
    file_number, facts = find_file_number(signatory.civil_id, signs_for_active)
    down = register(gql, signatory, file_number, facts.commercial_registration)
    assert [e["code"] for e in down["errors"]] == ["MANPOWER_UNAVAILABLE"]
    assert not Sponsor.objects.filter(
        kind=SponsorKind.COMPANY, manpower_file_number=file_number
    ).exists()


def test_anonymous_cannot_register(gql):
    result = gql(REGISTER, {"cr": "123456", "file": "MPA-1"})["data"]["registerCompany"]
    assert [e["code"] for e in result["errors"]] == ["NOT_AUTHENTICATED"]


def test_the_back_office_registers_a_mission_which_sponsors_under_art_17(gql):
    head = factories.user()
    officer = factories.user(is_staff=True)
    variables = {
        "kind": "MISSION",
        "en": "Embassy of Ruritania",
        "ar": "سفارة روريتانيا",
        "owner": head.username,
    }
    gql.login(head)  # nobody else may
    refused = gql(REGISTER_PUBLIC, variables)["data"]["registerGovernmentOrMission"]
    assert [e["code"] for e in refused["errors"]] == ["BACK_OFFICE_ONLY"]
    gql.login(officer)
    made = gql(REGISTER_PUBLIC, variables)["data"]["registerGovernmentOrMission"]
    assert made["errors"] == [] and made["sponsor"]["kind"] == "MISSION"
    mission = Sponsor.objects.get(kind=SponsorKind.MISSION)
    assert SponsorStaff.objects.get(sponsor=mission).user == head
    entry = AuditEntry.objects.get(action="sponsor_registered")
    assert entry.back_office and entry.actor == officer
    again = gql(REGISTER_PUBLIC, variables)["data"]["registerGovernmentOrMission"]
    assert [e["code"] for e in again["errors"]] == ["ALREADY_REGISTERED"]
    missing = gql(REGISTER_PUBLIC, {**variables, "en": " ", "owner": "nobody"})["data"][
        "registerGovernmentOrMission"
    ]
    assert {(e["field"], e["code"]) for e in missing["errors"]} == {
        ("nameEn", "NAME_REQUIRED"),
        ("ownerUsername", "USER_NOT_FOUND"),
    }

    assert "employee" in Law().relations_sponsorable_by(SponsorKind.MISSION)
    gql.login(head)
    [employer] = gql(EMPLOYERS)["data"]["me"]["employers"]
    assert employer["id"] == sponsor_gid(mission)
