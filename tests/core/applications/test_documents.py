"""Documents in a renewal: attached on submit, asked for when missing or by an officer, and
the application goes on once they are uploaded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from strawberry.relay import to_base64

from core.applications.errors import ApplicationErrorCode
from core.applications.models import DocumentRequest
from core.applications.services import application_documents_provided, application_request_document
from core.applications.states import State
from core.documents.services import document_upload
from core.errors import DomainErrors
from tests import factories
from tests.support import documents as samples
from tests.support.applications import give_profile, run_all, submit

pytestmark = pytest.mark.django_db

CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731


@pytest.fixture(autouse=True)
def documents_required(settings, tmp_path):
    settings.RENEWAL_RULES = {**settings.RENEWAL_RULES, "REQUIRE_DOCUMENTS": True}
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


def upload(actor, owner, kind, content, **dates):
    name = "file.pdf" if content.startswith(b"%PDF") else "file.jpg"
    return document_upload(
        actor=actor,
        owner_id=owner.pk,
        kind=kind,
        file=SimpleUploadedFile(name, content),
        **dates,
    )


def upload_everything_for_wife(h) -> None:
    today = timezone.localdate()
    later = today + dt.timedelta(days=1000)
    user = h["user"]
    upload(user, h["wife"], "personal_photo", samples.jpeg())
    upload(user, h["wife"], "passport_copy", samples.pdf("wife passport"), expires_on=later)
    upload(user, h["wife"], "marriage_certificate", samples.pdf("marriage"))
    upload(user, h["head"], "salary_certificate", samples.pdf("salary"), issued_on=today)
    upload(user, h["head"], "civil_id", samples.pdf("civil id"), expires_on=later)


def test_missing_documents_hold_the_application_until_uploaded(household):
    h = household
    give_profile(h["wife"], CLEAN)
    app = submit(h, h["wife"])
    report = app.history.get(kind="documents")
    assert {m["kind"] for m in report.detail["missing"]} >= {"personal_photo", "passport_copy"}

    run_all(app)
    app.refresh_from_db()
    assert app.state == State.WAITING_FOR_DOCUMENTS  # every check cleared; documents lack
    assert DocumentRequest.objects.filter(item__application=app).count() == 5

    with pytest.raises(DomainErrors) as caught:
        application_documents_provided(actor=h["user"], application_id=app.pk)
    assert {e.code for e in caught.value.errors} == {ApplicationErrorCode.DOCUMENT_MISSING}

    upload_everything_for_wife(h)
    application_documents_provided(actor=h["user"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert app.items.get().document_uses.count() == 5
    transitions = list(app.history.filter(kind="transition").values_list("to_state", flat=True))
    assert transitions[-3:] == [State.WAITING_FOR_DOCUMENTS, State.CHECKING, State.AWAITING_PAYMENT]


def test_archived_documents_are_reused_without_asking(household):
    h = household
    give_profile(h["wife"], CLEAN)
    upload_everything_for_wife(h)
    app = submit(h, h["wife"])
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert not DocumentRequest.objects.exists()


def test_an_officer_asks_for_a_new_photo(household, gql):
    h = household
    give_profile(h["wife"], CLEAN)
    upload_everything_for_wife(h)
    app = submit(h, h["wife"])
    officer = factories.user(is_staff=True)
    gql.login(officer)
    result = gql(
        """mutation($a: ID!, $p: ID!) { requestRenewalDocument(applicationId: $a, personId: $p,
             kind: PERSONAL_PHOTO, reason: "Face not visible") {
             application { state documentRequests { kind reason fulfilledAt } }
             errors { code } } }""",
        {"a": to_base64("RenewalApplication", app.pk), "p": to_base64("Person", h["wife"].pk)},
    )["data"]["requestRenewalDocument"]
    assert result["errors"] == []
    assert result["application"]["state"] == "WAITING_FOR_DOCUMENTS"
    assert result["application"]["documentRequests"] == [
        {"kind": "PERSONAL_PHOTO", "reason": "Face not visible", "fulfilledAt": None}
    ]
    run_all(app)  # the agencies go on checking meanwhile
    app.refresh_from_db()
    assert app.state == State.WAITING_FOR_DOCUMENTS

    # the old photo does not meet the request; a new one does
    with pytest.raises(DomainErrors):
        application_documents_provided(actor=h["user"], application_id=app.pk)
    upload(h["user"], h["wife"], "personal_photo", samples.jpeg(shade=7))
    gql.login(h["user"])
    done = gql(
        """mutation($a: ID!) { renewalDocumentsProvided(applicationId: $a) {
             application { state items { documents { kind } } } errors { code } } }""",
        {"a": to_base64("RenewalApplication", app.pk)},
    )["data"]["renewalDocumentsProvided"]
    assert done["errors"] == []
    assert done["application"]["state"] == "AWAITING_PAYMENT"


def test_only_officers_ask_for_documents(household):
    h = household
    app = submit(h, h["wife"])
    with pytest.raises(Exception) as caught:
        application_request_document(
            actor=h["user"],
            application_id=app.pk,
            person_id=h["wife"].pk,
            kind="personal_photo",
            reason="x",
        )
    assert caught.value.code == ApplicationErrorCode.NOT_FOUND
