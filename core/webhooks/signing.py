"""Endpoint secrets and signatures, per the Standard Webhooks spec (the ``standardwebhooks``
package signs; receivers verify with any of its client libraries).

A secret is ``whsec_`` and 32 random bytes in base64. It must be kept to sign, so it is
sealed at rest (Fernet, with a key derived from ``SECRET_KEY``; ``SECRET_KEY_FALLBACKS`` still
open what older keys sealed): a copy of the database alone does not give it away. Each attempt
is signed at its own time (``webhook-timestamp``), with every secret of the endpoint still
signing: the current one and, during a rotation's grace period, the one before it, as several
space-separated signatures in one ``webhook-signature`` header, which the spec allows.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import secrets

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Q
from standardwebhooks import Webhook

from core.webhooks.models import WebhookEndpoint, WebhookSecret

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"iqama webhook secrets"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _sealer() -> MultiFernet:
    return MultiFernet(
        [_fernet(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    )


def seal(secret: str) -> str:
    return _sealer().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    return _sealer().decrypt(sealed.encode()).decode()


def signing_secrets(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    """The secrets that sign now, newest first: the current one and those in their grace."""
    rows = WebhookSecret.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), endpoint=endpoint
    )
    return [unseal(row.sealed) for row in rows]


def signature_headers(
    message_id: str, body: bytes, secrets_: list[str], now: dt.datetime
) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt."""
    signatures = " ".join(Webhook(secret).sign(message_id, now, body) for secret in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(math.floor(now.timestamp())),
        "webhook-signature": signatures,
    }
