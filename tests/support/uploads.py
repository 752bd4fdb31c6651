"""Helpers for document tests: uploads over HTTP following the GraphQL multipart request spec
(operations, map, then the file parts), bearer tokens, and what the storage holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from strawberry import relay

from core import households

UPLOAD = """
mutation($ownerId: ID!, $kind: DocumentKind!, $file: Upload!, $issuedOn: Date, $expiresOn: Date) {
  uploadDocument(ownerId: $ownerId, kind: $kind, file: $file, issuedOn: $issuedOn,
                 expiresOn: $expiresOn) {
    document { id kind contentType size sha256 width height pages expiresOn validUntil
               downloadUrl owner { nameEn } sponsor { nameEn } }
    errors { field code message messageEn messageAr }
  }
}"""


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def bearer(user) -> str:
    return households.token(user, name="tests")


def multipart_upload(
    client: Client,
    *,
    owner,
    kind: str,
    content: bytes,
    filename: str = "scan.jpg",
    content_type: str = "application/octet-stream",
    issued_on: str | None = None,
    expires_on: str | None = None,
    **headers: Any,
):
    """POST one file per the GraphQL multipart request spec through Django's whole stack."""
    operations = {
        "query": UPLOAD,
        "variables": {
            "ownerId": gid(type(owner).__name__, owner.pk),  # a person, or a sponsor's papers
            "kind": kind,
            "file": None,
            "issuedOn": issued_on,
            "expiresOn": expires_on,
        },
    }
    return client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile(filename, content, content_type),
        },
        **headers,
    )


def uploaded(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["uploadDocument"]


def gql_post(client: Client, query: str, variables: dict | None = None, **headers: Any) -> dict:
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()
