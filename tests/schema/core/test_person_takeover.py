"""Taking over a person: knowing somebody's civil ID and Latin name (both printed on cards
that pass through many hands) must not put them on one's file, nor open their passport,
nationality, documents or permits.

As reproduced: a sponsor added a company's worker with ``addDependent`` and got his passport
number and nationality back, then listed his photo with a working download link and uploaded
documents for him.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from strawberry.relay import to_base64

from core.articles import Article, Relation
from core.documents.models import Document
from core.documents.services import document_upload
from core.models import Dependent, Person
from tests import factories
from tests.support.documents import jpeg, pdf

pytestmark = pytest.mark.django_db

ADD = """mutation($sponsorId: ID!, $person: PersonInput!, $relation: Relation!) {
  addDependent(sponsorId: $sponsorId, person: $person, relation: $relation) {
    dependent { id person { id civilId nameEn passportNumber nationality
      permits { article expiresOn } } }
    errors { field code message messageAr } } }"""
DOCUMENTS = """query($owner: ID!) { documents(ownerId: $owner) { totalCount
  edges { node { kind downloadUrl } } } }"""
UPLOAD = """mutation($owner: ID!, $f: Upload!) {
  uploadDocument(ownerId: $owner, kind: PERSONAL_PHOTO, file: $f) { errors { code } } }"""


def as_input(person: Person, **changes) -> dict:
    data = {
        "civilId": person.civil_id,
        "nameAr": person.name_ar,
        "nameEn": person.name_en,
        "nationality": person.nationality,
        "dateOfBirth": person.date_of_birth.isoformat(),
        "sex": "MALE" if person.sex == "M" else "FEMALE",
        "passportNumber": person.passport_number,
        "passportExpiry": person.passport_expiry.isoformat(),
    }
    return {**data, **changes}


def add(gql, sponsor, person_input, relation="DOMESTIC_WORKER") -> dict:
    variables = {
        "sponsorId": to_base64("Sponsor", sponsor.pk),
        "person": person_input,
        "relation": relation,
    }
    return gql(ADD, variables)["data"]["addDependent"]


@pytest.fixture
def worker(db):
    """A company's worker with a permit and an ID photo his employer uploaded."""
    company, [hr] = factories.company("Gulf Tech")
    person = factories.dependent(company, Relation.EMPLOYEE, name_en="Suresh Nair")
    factories.permit(person, company, Article.PRIVATE_SECTOR, days_left=300)
    document_upload(
        actor=hr,
        owner_id=person.pk,
        kind="personal_photo",
        file=SimpleUploadedFile("me.jpg", jpeg(), "image/jpeg"),
    )
    return person


def test_another_sponsors_worker_cannot_be_put_on_my_file(gql, family, worker):
    gql.login(family["user"])
    # What the attacker knows: civil ID, names, birth date; the rest is guessed.
    guess = as_input(worker, passportNumber="X0000000", nationality="IND")
    for attempt in (guess, as_input(worker)):  # even with every detail right
        payload = add(gql, family["sponsor"], attempt)
        assert payload["dependent"] is None
        assert [e["code"] for e in payload["errors"]] == ["SPONSORED_ELSEWHERE"]
        assert worker.passport_number not in str(payload)
        assert payload["errors"][0]["messageAr"]
    assert not Dependent.objects.filter(sponsor=family["sponsor"], person=worker).exists()

    owner = to_base64("Person", worker.pk)
    listed = gql(DOCUMENTS, {"owner": owner})["data"]["documents"]
    assert listed == {"totalCount": 0, "edges": []}
    node = gql("query($id: ID!) { node(id: $id) { id } }", {"id": owner})["data"]["node"]
    assert node is None


def test_nor_can_i_upload_documents_for_them(family, worker):
    from core.documents.errors import DocumentErrorCode
    from core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        document_upload(
            actor=family["user"],
            owner_id=worker.pk,
            kind="personal_photo",
            file=SimpleUploadedFile("x.jpg", jpeg(), "image/jpeg"),
        )
    assert refused.value.code == DocumentErrorCode.NOT_FOUND
    assert Document.objects.filter(owner=worker).count() == 1


def test_an_unsponsored_person_comes_only_with_every_detail_on_record(gql, family):
    """Somebody on nobody's file (their sponsorship ended) may join a new file, but only by a
    sponsor who already knows everything the record would show."""
    former, _ = factories.company("Old Employer")
    person = factories.dependent(former, Relation.EMPLOYEE, name_en="Ravi Menon")
    Dependent.objects.filter(person=person).update(ended_on=dt.date.today())
    scan = document_upload(
        actor=factories.user(is_staff=True),
        owner_id=person.pk,
        kind="passport_copy",
        file=SimpleUploadedFile("p.pdf", pdf(), "application/pdf"),
        expires_on=person.passport_expiry,
    )
    Document.objects.filter(pk=scan.pk).update(uploaded_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    gql.login(family["user"])

    wrong = add(gql, family["sponsor"], as_input(person, passportNumber="Z9999999"))
    assert [e["code"] for e in wrong["errors"]] == ["DUPLICATE_CIVIL_ID"]
    assert person.passport_number not in str(wrong)

    right = add(gql, family["sponsor"], as_input(person))
    assert right["errors"] == []
    assert right["dependent"]["person"]["passportNumber"] == person.passport_number
    # Nothing the new sponsor did not know: not the former employer's permits, not the archive.
    assert right["dependent"]["person"]["permits"] == []
    owner = to_base64("Person", person.pk)
    assert gql(DOCUMENTS, {"owner": owner})["data"]["documents"]["totalCount"] == 0


def test_a_missing_and_a_foreign_person_answer_alike_in_a_renewal(gql, family, worker):
    from tests.schema.applications.test_mutations import CREATE, people

    gql.login(family["user"])
    variables = {
        "sponsor": to_base64("Sponsor", family["sponsor"].pk),
        "people": people((worker, 12)),
    }
    foreign = gql(CREATE, variables)["data"]["createRenewal"]["errors"]
    variables["people"] = [{"personId": to_base64("Person", 10**9), "months": 12}]
    missing = gql(CREATE, variables)["data"]["createRenewal"]["errors"]
    assert [(e["code"], e["message"]) for e in foreign] == [
        (e["code"], e["message"]) for e in missing
    ]
