"""The service behind addDependent, without GraphQL."""

import datetime as dt

import pytest
from django.utils import timezone

from core.articles import Relation
from core.civil_id import make_civil_id
from core.errors import DomainError, DomainErrors, ResidencyErrorCode
from core.models import Dependent, Person
from core.services.people import PersonData, dependent_add
from tests import factories

pytestmark = pytest.mark.django_db


def data(**overrides) -> PersonData:
    born = overrides.pop("born", dt.date(2019, 4, 9))
    values = dict(
        civil_id=make_civil_id(born, 4242),
        name_ar="سارة كومار",
        name_en="Sara Kumar",
        nationality="IND",
        date_of_birth=born,
        sex="F",
        passport_number="z1234567",
        passport_expiry=timezone.localdate() + dt.timedelta(days=700),
    )
    values.update(overrides)
    return PersonData(**values)


def test_sponsor_adds_a_child():
    family = factories.family()
    dep = dependent_add(
        actor=family["user"], sponsor=family["sponsor"], person=data(), relation=Relation.CHILD
    )
    assert dep.person.passport_number == "Z1234567"
    assert dep.sponsor == family["sponsor"]


def test_every_problem_is_reported_at_once_and_nothing_is_written():
    family = factories.family()
    before = Person.objects.count()
    bad = data(
        civil_id="123456789012",
        nationality="XXX",
        name_ar=" ",
        passport_expiry=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(DomainErrors) as caught:
        dependent_add(
            actor=family["user"], sponsor=family["sponsor"], person=bad, relation=Relation.CHILD
        )
    codes = {(e.field, e.code) for e in caught.value.errors}
    assert codes == {
        ("civilId", ResidencyErrorCode.INVALID_CIVIL_ID),
        ("nationality", ResidencyErrorCode.INVALID_NATIONALITY),
        ("nameAr", ResidencyErrorCode.REQUIRED),
        ("passportExpiry", ResidencyErrorCode.PASSPORT_EXPIRED),
    }
    assert Person.objects.count() == before


def test_birth_date_must_match_the_civil_id():
    family = factories.family()
    with pytest.raises(DomainErrors) as caught:
        dependent_add(
            actor=family["user"],
            sponsor=family["sponsor"],
            person=data(date_of_birth=dt.date(2019, 4, 10)),
            relation=Relation.CHILD,
        )
    assert [e.code for e in caught.value.errors] == [
        ResidencyErrorCode.CIVIL_ID_BIRTH_DATE_MISMATCH
    ]


def test_another_sponsor_cannot_add_to_my_file():
    mine, theirs = factories.family(), factories.family()
    with pytest.raises(DomainError) as caught:
        dependent_add(
            actor=theirs["user"], sponsor=mine["sponsor"], person=data(), relation=Relation.CHILD
        )
    assert caught.value.code == ResidencyErrorCode.NOT_FOUND
    assert not Dependent.objects.filter(person__name_en="Sara Kumar").exists()


def test_a_person_is_added_once():
    family = factories.family()
    args = dict(actor=family["user"], sponsor=family["sponsor"], relation=Relation.CHILD)
    dependent_add(person=data(), **args)
    with pytest.raises(DomainError) as caught:
        dependent_add(person=data(), **args)
    assert caught.value.code == ResidencyErrorCode.ALREADY_DEPENDENT


def test_a_known_civil_id_with_other_details_is_not_attached():
    family = factories.family()
    stranger = factories.person(name_en="Somebody Else", born=dt.date(2019, 4, 9))
    with pytest.raises(DomainError) as caught:
        dependent_add(
            actor=family["user"],
            sponsor=family["sponsor"],
            person=data(civil_id=stranger.civil_id),
            relation=Relation.CHILD,
        )
    assert caught.value.code == ResidencyErrorCode.DUPLICATE_CIVIL_ID


def test_an_individual_cannot_sponsor_an_employee():
    family = factories.family()
    with pytest.raises(DomainErrors) as caught:
        dependent_add(
            actor=family["user"],
            sponsor=family["sponsor"],
            person=data(),
            relation=Relation.EMPLOYEE,
        )
    assert caught.value.errors[0].code == ResidencyErrorCode.RELATION_NOT_ALLOWED
