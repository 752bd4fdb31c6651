"""Reading the environment for the settings: flags, secrets that must not be missing or
public outside DEBUG, and ``PUBLIC_BASE_URL``."""

from __future__ import annotations

import os
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
