"""Reading the environment for the settings: flags, secrets that must not be missing or
public outside DEBUG, ``PUBLIC_BASE_URL``, the agencies' URLs and the document storage."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else raw.strip().lower() in ("1", "true")


def secret(
    name: str, dev_value: str, *, allow_dev: bool, known: set[str], min_length: int = 1
) -> str:
    """A secret from the environment. Outside DEBUG a missing, public (``known``) or short one
    stops the service at start, before it signs a single link with it."""
    value = os.environ.get(name, "").strip()
    if allow_dev:
        return value or dev_value
    if not value:
        raise ImproperlyConfigured(f"{name} must be set (DEBUG is off).")
    if value in known:
        raise ImproperlyConfigured(f"{name} is a publicly known development value.")
    if len(value) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters.")
    return value


def public_base_url(*, debug: bool) -> str:
    """Where the public reaches this service (through the TLS proxy), without a path. Every
    public URL is made from it: KNET's response, error and result URLs, the receipts' QR code,
    the browser origin allowed on the websocket, the host name answered to. Required outside
    DEBUG, so that no callback or QR code ever points at a developer's loopback."""
    default = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}" if debug else ""
    value = os.environ.get("PUBLIC_BASE_URL", default).strip().rstrip("/")
    if not value:
        raise ImproperlyConfigured(
            "PUBLIC_BASE_URL must be set (DEBUG is off): the address the public reaches this "
            "service at, e.g. https://iqama.example.kw"
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ImproperlyConfigured(
            f"PUBLIC_BASE_URL must be http(s)://host[:port] with no path, not {value!r}"
        )
    return value


AGENCY_NAMES = ("health", "fines", "courts", "manpower")


def agencies_over_http(*, simulated_allowed: bool) -> dict[str, dict[str, str]]:
    """``AGENCY_<NAME>_URL`` for each agency. One without a URL is simulated in-process, which
    only the demo and the tests may ask for (``simulated_allowed``): otherwise the service
    refuses to start rather than clear every check against a simulator."""
    agencies = {
        name: {"backend": "http", "url": url}
        for name in AGENCY_NAMES
        if (url := os.environ.get(f"AGENCY_{name.upper()}_URL", "").strip())
    }
    unreached = sorted(set(AGENCY_NAMES) - set(agencies))
    if unreached and not simulated_allowed:
        raise ImproperlyConfigured(
            f"No URL for the agencies {', '.join(unreached)}: set AGENCY_<NAME>_URL for each "
            "(or SERVE_AGENCY_SIMULATOR=1 to simulate them)."
        )
    return agencies


def storages(media_root: Path, *, bucket: str) -> dict[str, Any]:
    """Django's storages: static files, and the documents on the filesystem under
    ``media_root`` or, with ``bucket``, in an S3-compatible bucket (django-storages)."""
    documents: dict[str, Any] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(media_root / "documents"),
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
    if bucket:
        documents = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": os.environ.get("DOCUMENTS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("DOCUMENTS_S3_REGION") or None,
                "location": os.environ.get("DOCUMENTS_S3_PREFIX", "documents"),
                "default_acl": "private",
                "file_overwrite": True,
                "querystring_auth": True,
            },
        }
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "documents": documents,
    }
