"""One sponsor cannot read another's people, permits or sponsor record, through any field or
``node``. Invisible objects answer exactly as missing ones do (null), so existence never leaks."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from tests import factories

pytestmark = pytest.mark.django_db

NODE = "query($id: ID!) { node(id: $id) { id } }"
SPONSOR = "query($id: ID!) { sponsor(id: $id) { id nameEn } }"
ALL_PERMITS = "{ permits(first: 100) { edges { node { id holder { id } sponsor { id } } } } }"
# Every path out of "me", each within the depth limit.
ME_PATHS = [
    """{ me { person { id permits { id holder { id }
        sponsor { id person { id }
        dependents(first: 10) { edges { node { id person { id } } } } } } } } }""",
    """{ me { person { id sponsorships(first: 10) { edges { node { id sponsor { id person { id }
        permits(first: 10) { edges { node { id holder { id } } } } } } } } } } }""",
    """{ me { sponsor { id dependents(first: 10) { edges { node { id person { id
        sponsorships(first: 10) { edges { node { id } } }
        permits { id } } } } } } } }""",
    """{ me { sponsor { id permits(first: 10) { edges { node { id holder { id }
        history { id } } } } } } }""",
    """{ me { employers { id dependents(first: 10) { edges { node { person { id } } } }
        permits(first: 10) { edges { node { id holder { id } } } } } } }""",
]


def reachable_ids(gql) -> set[str]:
    ids: set[str] = set()
    for query in [ALL_PERMITS, *ME_PATHS]:
        result = gql(query)
        assert "errors" not in result, result["errors"]
        ids |= all_ids(result["data"])
    return ids


def global_ids(family: dict) -> dict[str, str]:
    ids = {"sponsor": to_base64("Sponsor", family["sponsor"].pk)}
    people = [family["head"], family["wife"], *family["kids"], family["maid"]]
    for p in people:
        ids[f"person:{p.name_en}"] = to_base64("Person", p.pk)
    for permit in family["permits"]:
        ids[f"permit:{permit.pk}"] = to_base64("ResidencyPermit", permit.pk)
        for change in permit.history.all():
            ids[f"change:{change.pk}"] = to_base64("PermitChange", change.pk)
    for dep in family["sponsor"].dependents.all():
        ids[f"dependent:{dep.pk}"] = to_base64("Dependent", dep.pk)
    return ids


def all_ids(value) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                found.add(item)
            else:
                found |= all_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= all_ids(item)
    return found


@pytest.fixture
def viewers(family, other_family):
    company, (hr,) = factories.company()
    worker = factories.dependent(company, "employee", name_en="Worker")
    factories.permit(worker, company, article=18)
    return {
        "other sponsor": other_family["user"],
        "other sponsor's wife": other_family["wife"].user,
        "company HR": hr,
        "anonymous": None,
    }


@pytest.mark.parametrize(
    "viewer", ["other sponsor", "other sponsor's wife", "company HR", "anonymous"]
)
def test_no_object_of_a_family_is_reachable_by_an_outsider(gql, family, viewers, viewer):
    if viewers[viewer] is not None:
        gql.login(viewers[viewer])
    secret = global_ids(family)

    for name, gid in secret.items():
        result = gql(NODE, {"id": gid})
        assert result["data"]["node"] is None, name
        assert "errors" not in result, name
    result = gql(SPONSOR, {"id": secret["sponsor"]})
    assert result["data"]["sponsor"] is None

    assert reachable_ids(gql).isdisjoint(secret.values())


def test_missing_and_forbidden_look_the_same(gql, family, other_family):
    gql.login(other_family["user"])
    forbidden = gql(NODE, {"id": to_base64("Person", family["wife"].pk)})
    missing = gql(NODE, {"id": to_base64("Person", 10**9)})
    assert forbidden == missing


def test_the_family_sees_its_own(gql, family):
    gql.login(family["user"])
    secret = global_ids(family)
    for name, gid in secret.items():
        assert gql(NODE, {"id": gid})["data"]["node"] == {"id": gid}, name


def test_a_wife_sees_herself_and_her_sponsor_but_not_her_siblings_in_law(gql, family):
    gql.login(family["wife"].user)
    ids = reachable_ids(gql)
    assert to_base64("Person", family["wife"].pk) in ids
    assert to_base64("Sponsor", family["sponsor"].pk) in ids
    for kid in family["kids"]:
        assert gql(NODE, {"id": to_base64("Person", kid.pk)})["data"]["node"] is None
    maid_permit = family["permits"][-1]
    assert gql(NODE, {"id": to_base64("ResidencyPermit", maid_permit.pk)})["data"]["node"] is None


def test_company_staff_see_their_workers_only(gql, db):
    company_a, (hr_a,) = factories.company("Alpha")
    company_b, _ = factories.company("Beta")
    a_worker = factories.dependent(company_a, "employee", name_en="Alpha Worker")
    b_worker = factories.dependent(company_b, "employee", name_en="Beta Worker")
    a_permit = factories.permit(a_worker, company_a, article=18)
    b_permit = factories.permit(b_worker, company_b, article=18)
    gql.login(hr_a)
    ids = reachable_ids(gql)
    assert to_base64("ResidencyPermit", a_permit.pk) in ids
    assert to_base64("ResidencyPermit", b_permit.pk) not in ids
    assert gql(NODE, {"id": to_base64("Person", b_worker.pk)})["data"]["node"] is None
    assert gql(SPONSOR, {"id": to_base64("Sponsor", company_b.pk)})["data"]["sponsor"] is None


def test_back_office_sees_everything(gql, family, other_family):
    officer = factories.user(is_staff=True)
    gql.login(officer)
    for gid in [*global_ids(family).values(), *global_ids(other_family).values()]:
        assert gql(NODE, {"id": gid})["data"]["node"] == {"id": gid}


def test_an_outsider_cannot_add_to_a_family_file(gql, family, other_family):
    gql.login(other_family["user"])
    result = gql(
        """mutation($id: ID!) { addDependent(sponsorId: $id, relation: CHILD, person: {
            civilId: "288020122596", nameAr: "س", nameEn: "S", nationality: "IND",
            dateOfBirth: "1988-02-01", sex: FEMALE, passportNumber: "X1",
            passportExpiry: "2035-01-01" }) { dependent { id } errors { field code } } }""",
        {"id": to_base64("Sponsor", family["sponsor"].pk)},
    )
    assert result["data"]["addDependent"] == {
        "dependent": None,
        "errors": [{"field": "sponsorId", "code": "NOT_FOUND"}],
    }
    assert family["sponsor"].dependents.count() == 4


ADD_TO_MY_FILE = """mutation($id: ID!, $person: PersonInput!) {
  addDependent(sponsorId: $id, relation: SPOUSE, person: $person) {
    dependent { id person { passportNumber } } errors { code } } }"""


def person_input(person, civil_id: str | None = None) -> dict:
    return {
        "civilId": civil_id or person.civil_id,
        "nameAr": person.name_ar,
        "nameEn": person.name_en,
        "nationality": person.nationality,
        "dateOfBirth": person.date_of_birth.isoformat(),
        "sex": "FEMALE" if person.sex == "F" else "MALE",
        "passportNumber": person.passport_number,
        "passportExpiry": person.passport_expiry.isoformat(),
    }


@pytest.mark.parametrize("spelling", ["ascii", "arabic-indic digits"])
def test_an_outsider_cannot_take_a_family_member_onto_their_own_file(
    gql, family, other_family, spelling
):
    """Knowing the wife's civil ID and name (in any digits) does not move her to one's file,
    nor show her passport, nor open anything of the family's."""
    wife = family["wife"]
    civil_id = wife.civil_id
    if spelling != "ascii":
        civil_id = civil_id[0] + civil_id[1:].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    gql.login(other_family["user"])
    result = gql(
        ADD_TO_MY_FILE,
        {
            "id": to_base64("Sponsor", other_family["sponsor"].pk),
            "person": person_input(wife, civil_id),
        },
    )
    assert result["data"]["addDependent"] == {
        "dependent": None,
        "errors": [{"code": "SPONSORED_ELSEWHERE"}],
    }
    assert reachable_ids(gql).isdisjoint(global_ids(family).values())
    assert other_family["sponsor"].dependents.count() == 3
