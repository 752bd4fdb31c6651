"""Real clients against a live server: curl following the GraphQL multipart request spec
(operations, map, file parts) and the gql Python client's upload support."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.utils import timezone
from gql import Client as GqlClient
from gql import FileVar, GraphQLRequest
from gql.transport.requests import RequestsHTTPTransport

from core.documents.models import Blob, Document
from tests.support import documents as samples
from tests.support.uploads import UPLOAD, bearer, gid, stored_files

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")

TWO_UPLOADS = """
mutation($wife: ID!, $head: ID!, $forWife: Upload!, $forHead: Upload!, $photo: Upload!) {
  wife: uploadDocument(ownerId: $wife, kind: MARRIAGE_CERTIFICATE, file: $forWife) {
    document { id sha256 } errors { code } }
  head: uploadDocument(ownerId: $head, kind: MARRIAGE_CERTIFICATE, file: $forHead) {
    document { id sha256 } errors { code } }
  photo: uploadDocument(ownerId: $wife, kind: PERSONAL_PHOTO, file: $photo) {
    document { contentType width height downloadUrl } errors { code } }
}"""


def curl(*args: str) -> tuple[int, bytes]:
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", *args],
        capture_output=True,
        check=True,
        timeout=30,
    )
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


def test_curl_multipart_spec_with_one_file_part_mapped_twice(
    live_server, transactional_db, family, documents_root, tmp_path
):
    certificate, photo = tmp_path / "marriage.pdf", tmp_path / "photo.jpg"
    certificate.write_bytes(samples.pdf())
    photo.write_bytes(samples.jpeg(800, 1000))
    operations = {
        "query": TWO_UPLOADS,
        "variables": {
            "wife": gid("Person", family["wife"].pk),
            "head": gid("Person", family["head"].pk),
            "forWife": None,
            "forHead": None,
            "photo": None,
        },
    }
    # The spec's map: file part "0" fills two variables, part "1" one.
    file_map = {"0": ["variables.forWife", "variables.forHead"], "1": ["variables.photo"]}
    status, body = curl(
        f"{live_server.url}/graphql/",
        "-H",
        f"Authorization: Bearer {bearer(family['user'])}",
        "-F",
        f"operations={json.dumps(operations)}",
        "-F",
        f"map={json.dumps(file_map)}",
        "-F",
        f"0=@{certificate};type=application/pdf",
        "-F",
        f"1=@{photo};type=image/jpeg",
    )
    assert status == 200, body
    data = json.loads(body)["data"]
    assert data["wife"]["errors"] == data["head"]["errors"] == data["photo"]["errors"] == []
    assert data["wife"]["document"]["sha256"] == data["head"]["document"]["sha256"]
    assert data["wife"]["document"]["id"] != data["head"]["document"]["id"]
    assert data["photo"]["document"]["contentType"] == "image/jpeg"
    assert (data["photo"]["document"]["width"], data["photo"]["document"]["height"]) == (800, 1000)
    assert Blob.objects.count() == 2 and Document.objects.count() == 3
    assert len(stored_files(documents_root)) == 2  # the certificate once, the photo once

    status, downloaded = curl(data["photo"]["document"]["downloadUrl"])
    photo_blob = Blob.objects.get(content_type="image/jpeg")  # stored re-encoded
    assert (status, downloaded) == (200, (documents_root / photo_blob.storage_name).read_bytes())


def test_curl_without_a_token_or_csrf_token_is_refused(
    live_server, transactional_db, family, documents_root, tmp_path
):
    attack = tmp_path / "x.pdf"
    attack.write_bytes(samples.pdf())
    operations = {
        "query": UPLOAD,
        "variables": {"ownerId": gid("Person", family["wife"].pk), "kind": "OTHER", "file": None},
    }
    status, body = curl(
        f"{live_server.url}/graphql/",
        "-F",
        f"operations={json.dumps(operations)}",
        "-F",
        'map={"0": ["variables.file"]}',
        "-F",
        f"0=@{attack}",
    )
    assert status == 403, body
    assert stored_files(documents_root) == [] and not Document.objects.exists()


def test_gql_client_upload(live_server, transactional_db, family, documents_root, tmp_path):
    passport = tmp_path / "passport.pdf"
    passport.write_bytes(samples.pdf())
    expires = (timezone.localdate() + dt.timedelta(days=900)).isoformat()
    transport = RequestsHTTPTransport(
        url=f"{live_server.url}/graphql/",
        headers={"Authorization": f"Bearer {bearer(family['user'])}"},
        timeout=20,
    )
    with GqlClient(transport=transport, fetch_schema_from_transport=False) as session:
        request = GraphQLRequest(
            UPLOAD,
            variable_values={
                "ownerId": gid("Person", family["wife"].pk),
                "kind": "PASSPORT_COPY",
                "file": FileVar(str(passport), content_type="application/pdf"),
                "expiresOn": expires,
            },
        )
        result = session.execute(request, upload_files=True)
        refused = session.execute(
            GraphQLRequest(
                UPLOAD,
                variable_values={
                    "ownerId": gid("Person", family["wife"].pk),
                    "kind": "PERSONAL_PHOTO",
                    "file": FileVar(str(passport), filename="photo.jpg"),
                },
            ),
            upload_files=True,
        )
    payload = result["uploadDocument"]
    assert payload["errors"] == []
    assert payload["document"]["contentType"] == "application/pdf"
    assert payload["document"]["expiresOn"] == expires
    assert [e["code"] for e in refused["uploadDocument"]["errors"]] == ["IMAGE_REQUIRED"]
    assert Document.objects.get().blob.size == passport.stat().st_size
