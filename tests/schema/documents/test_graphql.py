"""uploadDocument over HTTP through Django's whole stack (multipart spec, auth, CSRF), and who
may list, see and download documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.articles import Article, Relation
from core.documents.models import Blob, Document
from tests import factories
from tests.support import documents as samples
from tests.support.uploads import (
    bearer,
    gid,
    gql_post,
    multipart_upload,
    stored_files,
    uploaded,
)

pytestmark = pytest.mark.django_db

NEXT_YEAR = (timezone.localdate() + dt.timedelta(days=365)).isoformat()

DOCUMENTS = """query($ownerId: ID) {
  documents(ownerId: $ownerId) { totalCount edges { node { id kind owner { nameEn } } } }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on Document { id downloadUrl } } }"
MISSING = """query($personId: ID!, $article: Int!) {
  missingDocuments(personId: $personId, article: $article) {
    kind party expiredOn kindTitleAr owner { nameEn }
  }
}"""


def token_client(user) -> tuple[Client, dict]:
    return Client(enforce_csrf_checks=True), {"HTTP_AUTHORIZATION": f"Bearer {bearer(user)}"}


def test_upload_with_a_token_then_list_and_download(family, documents_root):
    client, auth = token_client(family["user"])
    photo = samples.jpeg(400, 500)
    payload = uploaded(
        multipart_upload(client, owner=family["wife"], kind="PERSONAL_PHOTO", content=photo, **auth)
    )
    assert payload["errors"] == []
    document = payload["document"]
    assert document["kind"] == "PERSONAL_PHOTO"
    [path] = stored_files(documents_root)
    stored = path.read_bytes()  # the photo re-encoded without metadata (test_reencoding.py)
    assert (document["contentType"], document["size"]) == ("image/jpeg", len(stored))
    assert (document["width"], document["height"]) == (400, 500)
    assert document["owner"] == {"nameEn": "Wife"}
    assert document["downloadUrl"].startswith("http://testserver/documents/")

    listed = gql_post(client, DOCUMENTS, {"ownerId": gid("Person", family["wife"].pk)}, **auth)
    assert listed["data"]["documents"]["totalCount"] == 1

    wife = Client()
    wife.force_login(family["wife"].user)
    mine = gql_post(wife, "{ myDocuments { edges { node { id kind } } } }")
    assert [e["node"]["id"] for e in mine["data"]["myDocuments"]["edges"]] == [document["id"]]

    download = Client().get(document["downloadUrl"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == stored


def test_the_same_bytes_uploaded_twice_are_stored_once(family, documents_root):
    client, auth = token_client(family["user"])
    certificate = samples.pdf()
    first, again = (
        uploaded(
            multipart_upload(
                client,
                owner=family["wife"],
                kind="MARRIAGE_CERTIFICATE",
                content=certificate,
                filename=name,
                **auth,
            )
        )["document"]
        for name in ("marriage.pdf", "copy of marriage.pdf")
    )
    assert first["id"] == again["id"] and first["sha256"] == again["sha256"]
    assert Blob.objects.count() == 1 and Document.objects.count() == 1
    assert len(stored_files(documents_root)) == 1


def test_wrong_magic_bytes_named_jpg_are_refused_in_the_preferred_language(family, documents_root):
    client, auth = token_client(family["user"])
    payload = uploaded(
        multipart_upload(
            client,
            owner=family["wife"],
            kind="PERSONAL_PHOTO",
            content=b"<html><script>alert(1)</script></html>",
            filename="photo.jpg",
            content_type="image/jpeg",
            HTTP_ACCEPT_LANGUAGE="ar",
            **auth,
        )
    )
    assert payload["document"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == ("UNSUPPORTED_TYPE", "file")
    assert error["message"] == error["messageAr"] != error["messageEn"]
    assert stored_files(documents_root) == [] and not Blob.objects.exists()


def test_too_large_and_bad_photo_over_http(family, documents_root, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_BYTES": 20_000}
    client, auth = token_client(family["user"])
    cases = [
        ("BIRTH_CERTIFICATE", samples.noise_png(), "TOO_LARGE"),
        ("PERSONAL_PHOTO", samples.jpeg(800, 600), "PHOTO_WRONG_ASPECT"),
        ("BIRTH_CERTIFICATE", samples.broken_pdf(), "CORRUPT_PDF"),
    ]
    for kind, content, code in cases:
        payload = uploaded(
            multipart_upload(client, owner=family["wife"], kind=kind, content=content, **auth)
        )
        assert [e["code"] for e in payload["errors"]] == [code]
        assert payload["errors"][0]["messageAr"]
    assert stored_files(documents_root) == [] and not Document.objects.exists()


def test_a_file_sent_as_a_plain_variable_is_refused(family):
    client, auth = token_client(family["user"])
    result = gql_post(
        client,
        "mutation($owner: ID!, $f: Upload!) { uploadDocument(ownerId: $owner, kind: OTHER, "
        "file: $f) { errors { code field } } }",
        {"owner": gid("Person", family["wife"].pk), "f": "not a file"},
        **auth,
    )
    assert result["data"]["uploadDocument"]["errors"] == [
        {"code": "FILE_REQUIRED", "field": "file"}
    ]


def test_another_sponsor_cannot_upload_list_or_download(family, other_family, documents_root):
    owner_client, owner_auth = token_client(family["user"])
    document = uploaded(
        multipart_upload(
            owner_client, owner=family["wife"], kind="OTHER", content=samples.pdf(), **owner_auth
        )
    )["document"]

    client, auth = token_client(other_family["user"])
    refused = uploaded(
        multipart_upload(client, owner=family["wife"], kind="OTHER", content=samples.pdf(), **auth)
    )
    assert refused == {
        "document": None,
        "errors": [
            {
                "field": "ownerId",
                "code": "NOT_FOUND",
                "message": "Not found.",
                "messageEn": "Not found.",
                "messageAr": "غير موجود.",
            }
        ],
    }
    wife_id = gid("Person", family["wife"].pk)
    assert gql_post(client, DOCUMENTS, {"ownerId": wife_id}, **auth)["data"]["documents"] == {
        "totalCount": 0,
        "edges": [],
    }
    assert gql_post(client, DOCUMENTS, **auth)["data"]["documents"]["totalCount"] == 0
    assert gql_post(client, NODE, {"id": document["id"]}, **auth)["data"]["node"] is None
    missing = gql_post(client, MISSING, {"personId": wife_id, "article": 22}, **auth)
    assert missing["data"]["missingDocuments"] is None
    assert Document.objects.count() == 1 and len(stored_files(documents_root)) == 1


def test_a_wife_sees_her_documents_but_not_her_husbands(family):
    client, auth = token_client(family["user"])
    for owner in (family["wife"], family["head"]):
        uploaded(multipart_upload(client, owner=owner, kind="OTHER", content=samples.pdf(), **auth))
    wife = Client()
    wife.force_login(family["wife"].user)
    seen = gql_post(wife, DOCUMENTS)["data"]["documents"]
    assert [e["node"]["owner"]["nameEn"] for e in seen["edges"]] == ["Wife"]
    head_doc = Document.objects.get(owner=family["head"])
    assert gql_post(wife, NODE, {"id": gid("Document", head_doc.pk)})["data"]["node"] is None
    # ...and the head of the family sees both.
    assert gql_post(client, DOCUMENTS, **auth)["data"]["documents"]["totalCount"] == 2


def test_company_staff_see_their_workers_documents_and_back_office_sees_all(family):
    company, (hr,) = factories.company()
    worker = factories.dependent(company, Relation.EMPLOYEE, name_en="Worker")
    factories.permit(worker, company, article=Article.PRIVATE_SECTOR)
    hr_client, hr_auth = token_client(hr)
    uploaded(
        multipart_upload(
            hr_client,
            owner=worker,
            kind="WORK_PERMIT",
            content=samples.pdf(),
            expires_on=NEXT_YEAR,
            **hr_auth,
        )
    )
    family_client, family_auth = token_client(family["user"])
    uploaded(
        multipart_upload(
            family_client, owner=family["wife"], kind="OTHER", content=samples.pdf(), **family_auth
        )
    )
    hr_seen = gql_post(hr_client, DOCUMENTS, **hr_auth)["data"]["documents"]
    assert [e["node"]["owner"]["nameEn"] for e in hr_seen["edges"]] == ["Worker"]
    officer = Client()  # signed in as themself: a token never carries the back office's powers
    officer.force_login(factories.user(is_staff=True))
    assert gql_post(officer, DOCUMENTS)["data"]["documents"]["totalCount"] == 2


def test_a_cookie_session_multipart_upload_needs_the_csrf_token(family, documents_root):
    browser = Client(enforce_csrf_checks=True)
    login = gql_post(
        browser,
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { csrfToken } }",
        {"u": family["user"].username, "p": factories.PASSWORD},
    )
    csrf = login["data"]["login"]["csrfToken"]

    refused = multipart_upload(browser, owner=family["wife"], kind="OTHER", content=samples.pdf())
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    assert stored_files(documents_root) == [] and not Document.objects.exists()

    allowed = multipart_upload(
        browser, owner=family["wife"], kind="OTHER", content=samples.pdf(), HTTP_X_CSRFTOKEN=csrf
    )
    assert uploaded(allowed)["errors"] == []
    assert Document.objects.count() == 1


def test_a_cross_site_multipart_post_without_cookies_or_token_is_refused(family, documents_root):
    response = multipart_upload(
        Client(enforce_csrf_checks=True), owner=family["wife"], kind="OTHER", content=samples.pdf()
    )
    assert response.status_code == 403
    assert stored_files(documents_root) == []


def test_missing_documents_for_a_wife_under_family_join(family):
    client, auth = token_client(family["user"])
    wife_id = gid("Person", family["wife"].pk)
    before = gql_post(client, MISSING, {"personId": wife_id, "article": 22}, **auth)
    assert [(m["kind"], m["party"]) for m in before["data"]["missingDocuments"]] == [
        ("PERSONAL_PHOTO", "HOLDER"),
        ("PASSPORT_COPY", "HOLDER"),
        ("MARRIAGE_CERTIFICATE", "HOLDER"),
        ("SALARY_CERTIFICATE", "SPONSOR"),
        ("CIVIL_ID", "SPONSOR"),
    ]
    sponsor_need = before["data"]["missingDocuments"][3]
    assert sponsor_need["owner"] == {"nameEn": "Head Of Family"}
    assert sponsor_need["kindTitleAr"] == "شهادة راتب"

    uploaded(
        multipart_upload(
            client, owner=family["wife"], kind="PERSONAL_PHOTO", content=samples.jpeg(), **auth
        )
    )
    after = gql_post(client, MISSING, {"personId": wife_id, "article": 22}, **auth)
    assert "PERSONAL_PHOTO" not in [m["kind"] for m in after["data"]["missingDocuments"]]
    unknown = gql_post(client, MISSING, {"personId": wife_id, "article": 99}, **auth)
    assert unknown["data"] is None or unknown["data"]["missingDocuments"] is None
    assert unknown["errors"][0]["message"] == "Unknown article 99."
    assert unknown["errors"][0]["extensions"]["code"] == "UNKNOWN_ARTICLE"


def test_listing_costs_the_same_queries_for_one_document_or_many(family):
    client, auth = token_client(family["user"])
    query = """{ documents { totalCount edges { node {
        id kind contentType size sha256 width validUntil kindTitleAr downloadUrl
        owner { nameEn } } } } }"""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            gql_post(client, query, **auth)
        return len(queries)

    uploaded(
        multipart_upload(client, owner=family["wife"], kind="OTHER", content=samples.pdf(), **auth)
    )
    one = count()
    for owner in (family["head"], *family["kids"], family["maid"]):
        uploaded(multipart_upload(client, owner=owner, kind="OTHER", content=samples.pdf(), **auth))
    assert count() == one
