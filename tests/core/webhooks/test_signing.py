"""Secrets and signatures: ``whsec_`` secrets sealed at rest, and headers any Standard Webhooks
library verifies (here the ``standardwebhooks`` package's ``Webhook.verify``)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from core.webhooks.signing import new_secret, seal, signature_headers, unseal

BODY = b'{"type":"application.state_changed","data":{"toState":"CHECKING"}}'


def test_a_secret_is_whsec_and_32_random_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_a_sealed_secret_does_not_show_it_and_opens_with_an_older_key(settings):
    secret = new_secret()
    sealed = seal(secret)
    assert secret not in sealed and secret.removeprefix("whsec_") not in sealed
    assert unseal(sealed) == secret
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert unseal(sealed) == secret  # keys rotate the Django way
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(Exception):  # noqa: B017 (Fernet's InvalidToken)
        unseal(sealed)


def test_the_headers_verify_with_the_library_and_carry_every_signing_secret():
    old, new = new_secret(), new_secret()
    now = timezone.now()
    headers = signature_headers("msg_1", BODY, [new, old], now)
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert [s[:3] for s in headers["webhook-signature"].split(" ")] == ["v1,", "v1,"]
    assert Webhook(new).verify(BODY, headers)["data"] == {"toState": "CHECKING"}
    assert Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(BODY.replace(b"CHECKING", b"ISSUED"), headers)
    stale = signature_headers("msg_1", BODY, [new], now - dt.timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(new).verify(BODY, stale)
