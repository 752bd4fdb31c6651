"""Signed download links: the file with its detected type for five minutes; 404 for anything
expired, tampered with or made up."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.documents import links
from core.documents.services import document_upload
from tests.support import documents as samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_documents(family):
    def upload(kind, content):
        document = document_upload(
            actor=family["user"],
            owner_id=family["wife"].pk,
            kind=kind,
            file=SimpleUploadedFile("x", content),
        )
        document.content = content
        return document

    return upload("birth_certificate", samples.pdf()), upload("other", samples.png(64, 64))


def get(path: str):
    return Client().get(path)


def test_a_fresh_link_streams_the_file_with_its_detected_type(two_documents):
    pdf, png = two_documents
    for document, content_type in ((pdf, "application/pdf"), (png, "image/png")):
        response = get(links.download_path(document.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "private, no-store"
        assert int(response["Content-Length"]) == document.blob.size
        assert b"".join(response.streaming_content) == document.content


def test_a_link_expires_after_five_minutes(two_documents, settings):
    pdf, _ = two_documents
    path = links.download_path(pdf.pk)
    assert settings.DOCUMENTS["LINK_SECONDS"] == 300
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = time.time() + 299
        assert get(path).status_code == 200
        clock.time.return_value = time.time() + 302
        assert get(path).status_code == 404


def test_a_tampered_or_made_up_link_is_not_found(two_documents):
    pdf, png = two_documents
    token = links.download_token(pdf.pk)
    value, stamp, signature = token.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for path in (
        f"/documents/{value}:{stamp}:{flipped}",  # signature changed
        f"/documents/{png.pk}:{stamp}:{signature}",  # another document, same signature
        f"/documents/{pdf.pk}",  # unsigned
        f"/documents/{value}:{stamp}",  # signature cut off
        "/documents/nothing-here",
    ):
        assert get(path).status_code == 404, path


def test_a_link_for_a_document_that_does_not_exist_is_not_found(db):
    assert get(links.download_path(987654)).status_code == 404


def test_only_get(two_documents):
    pdf, _ = two_documents
    assert Client().post(links.download_path(pdf.pk)).status_code == 405
