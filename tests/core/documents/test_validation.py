"""The upload service: validation by content, typed bilingual rejections that store nothing,
content addressing, and no file left behind when the database write fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from core.documents.errors import DocumentErrorCode as Code
from core.documents.models import Blob, Document
from core.documents.services import document_upload
from core.errors import DomainError, DomainErrors
from tests.support import documents as samples
from tests.support.uploads import stored_files

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_YEAR = TODAY + dt.timedelta(days=365)


def upload(actor, owner, kind, content, name="scan.jpg", **dates):
    return document_upload(
        actor=actor,
        owner_id=owner.pk,
        kind=kind,
        file=SimpleUploadedFile(name, content, "image/jpeg"),
        **dates,
    )


def rejection(actor, owner, kind, content, **dates) -> list:
    with pytest.raises((DomainError, DomainErrors)) as caught:
        upload(actor, owner, kind, content, **dates)
    return getattr(caught.value, "errors", [caught.value])


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.mark.parametrize(
    ("kind", "make", "content_type", "size"),
    [
        ("personal_photo", lambda: samples.jpeg(400, 500), "image/jpeg", (400, 500)),
        ("personal_photo", lambda: samples.png(480, 600), "image/png", (480, 600)),
        ("marriage_certificate", samples.pdf, "application/pdf", (None, None)),
        ("birth_certificate", lambda: samples.png(1200, 800), "image/png", (1200, 800)),
    ],
)
def test_accepted_content_is_archived_with_what_was_detected(
    family, documents_root, kind, make, content_type, size
):
    content = make()
    document = upload(family["user"], family["wife"], kind, content, name="whatever.bin")
    blob = document.blob
    assert (blob.content_type, (blob.width, blob.height)) == (content_type, size)
    assert document.uploaded_by == family["user"] and document.owner == family["wife"]
    [path] = stored_files(documents_root)
    stored = path.read_bytes()
    assert (blob.size, blob.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())
    assert blob.sha256 in path.name
    if content_type == "application/pdf":
        assert stored == content and blob.pages == 1
    else:  # an image is stored re-encoded, without metadata (test_reencoding.py)
        assert Image.open(io.BytesIO(stored)).size == size


@pytest.mark.parametrize(
    ("kind", "make", "code"),
    [
        ("personal_photo", lambda: b"GIF89a" + bytes(200), Code.UNSUPPORTED_TYPE),
        ("other", lambda: b"MZ\x90\x00 an .exe named scan.jpg", Code.UNSUPPORTED_TYPE),
        ("personal_photo", lambda: samples.jpeg(300, 375), Code.PHOTO_TOO_SMALL),
        ("personal_photo", lambda: samples.jpeg(500, 500), Code.PHOTO_WRONG_ASPECT),
        ("personal_photo", lambda: samples.jpeg(800, 600), Code.PHOTO_WRONG_ASPECT),
        ("personal_photo", samples.pdf, Code.IMAGE_REQUIRED),
        ("personal_photo", lambda: samples.jpeg()[:900], Code.CORRUPT_IMAGE),
        ("birth_certificate", samples.broken_pdf, Code.CORRUPT_PDF),
        ("birth_certificate", samples.encrypted_pdf, Code.ENCRYPTED_PDF),
        ("birth_certificate", lambda: b"", Code.EMPTY_FILE),
    ],
)
def test_each_rejection_is_typed_bilingual_and_stores_nothing(
    family, documents_root, kind, make, code
):
    [error] = rejection(family["user"], family["wife"], kind, make())
    assert (error.code, error.field) == (code, "file")
    assert error.message_en and is_arabic(error.message_ar)
    assert not Blob.objects.exists() and not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_too_large_is_refused_before_reading(family, documents_root, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_BYTES": 2048}
    [error] = rejection(family["user"], family["wife"], "birth_certificate", samples.noise_png())
    assert error.code == Code.TOO_LARGE
    assert "0.00195 MB" in error.message_en and is_arabic(error.message_ar)
    assert stored_files(documents_root) == [] and not Blob.objects.exists()


def test_the_photo_message_says_the_sizes(family):
    [error] = rejection(family["user"], family["wife"], "personal_photo", samples.jpeg(300, 375))
    assert error.message_en == ("The photo is 300×375 pixels; it must be at least 400×500.")
    assert "300×375" in error.message_ar


def test_a_phone_portrait_counts_by_its_exif_orientation(family):
    document = upload(
        family["user"], family["wife"], "personal_photo", samples.rotated_portrait_jpeg()
    )
    assert (document.blob.width, document.blob.height) == (400, 500)


@pytest.mark.parametrize(
    ("kind", "dates", "expected"),
    [
        ("passport_copy", {}, [(Code.EXPIRY_DATE_REQUIRED, "expiresOn")]),
        ("salary_certificate", {}, [(Code.ISSUE_DATE_REQUIRED, "issuedOn")]),
        ("personal_photo", {"expires_on": NEXT_YEAR}, [(Code.DATE_NOT_APPLICABLE, "expiresOn")]),
        (
            "passport_copy",
            {"expires_on": TODAY - dt.timedelta(days=1)},
            [(Code.ALREADY_EXPIRED, "expiresOn")],
        ),
        (
            "salary_certificate",
            {"issued_on": TODAY - dt.timedelta(days=91)},
            [(Code.ALREADY_EXPIRED, "issuedOn")],
        ),
        (
            "lease",
            {"issued_on": TODAY + dt.timedelta(days=2), "expires_on": TODAY + dt.timedelta(days=1)},
            [(Code.ISSUED_IN_FUTURE, "issuedOn"), (Code.EXPIRES_BEFORE_ISSUE, "expiresOn")],
        ),
    ],
)
def test_dates_where_they_apply(family, documents_root, kind, dates, expected):
    content = samples.jpeg() if kind == "personal_photo" else samples.pdf()
    errors = rejection(family["user"], family["wife"], kind, content, **dates)
    assert [(e.code, e.field) for e in errors] == expected
    assert all(is_arabic(e.message_ar) for e in errors)
    assert stored_files(documents_root) == []


def test_every_problem_is_reported_at_once(family):
    errors = rejection(family["user"], family["wife"], "passport_copy", b"plain text")
    assert {e.code for e in errors} == {Code.EXPIRY_DATE_REQUIRED, Code.UNSUPPORTED_TYPE}


def test_the_same_bytes_are_stored_once(family, documents_root):
    certificate = samples.pdf()
    first = upload(family["user"], family["wife"], "marriage_certificate", certificate)
    again = upload(family["user"], family["wife"], "marriage_certificate", certificate)
    husband = upload(family["user"], family["head"], "marriage_certificate", certificate)
    assert again.pk == first.pk  # the same person, kind and content: the same document
    assert husband.pk != first.pk and husband.blob_id == first.blob_id
    assert Blob.objects.count() == 1 and Document.objects.count() == 2
    assert len(stored_files(documents_root)) == 1


def test_an_upload_again_takes_its_dates(family):
    content = samples.pdf()
    first = upload(family["user"], family["wife"], "passport_copy", content, expires_on=NEXT_YEAR)
    later = NEXT_YEAR + dt.timedelta(days=30)
    again = upload(family["user"], family["wife"], "passport_copy", content, expires_on=later)
    assert again.pk == first.pk
    first.refresh_from_db()
    assert first.expires_on == later


def test_a_failed_database_write_leaves_no_file(family, documents_root):
    with (
        mock.patch.object(Document.objects, "get_or_create", side_effect=RuntimeError("db down")),
        pytest.raises(RuntimeError),
    ):
        upload(family["user"], family["wife"], "birth_certificate", samples.pdf())
    assert stored_files(documents_root) == []
    assert not Blob.objects.exists()


def test_gc_removes_only_files_no_blob_names(family, documents_root):
    kept = upload(family["user"], family["wife"], "birth_certificate", samples.pdf())
    orphan = documents_root / "ab" / "cd" / "abcd-orphan.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-left by a commit that failed")
    out = io.StringIO()
    call_command("documents_gc", "--min-age", "0", stdout=out)
    assert "1 orphan file(s)" in out.getvalue()
    assert stored_files(documents_root) == [documents_root / kept.blob.storage_name]


def test_nobody_uploads_for_a_stranger(family, other_family, documents_root):
    [error] = rejection(other_family["user"], family["wife"], "personal_photo", samples.jpeg())
    assert (error.code, error.field) == (Code.NOT_FOUND, "ownerId")
    assert stored_files(documents_root) == []
