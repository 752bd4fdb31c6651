"""API tokens for integrations: created once, shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.errors import AccountErrorCode, DomainError
from core.models import ApiToken
from core.names import free_text

TOKEN_PREFIX = "iqt"
MAX_CREDENTIAL_LENGTH = 256


def account_sign_in(*, request: HttpRequest, username: str, password: str) -> Any:
    """The active user these credentials belong to, through the throttle (``AXES_*`` settings):
    once a user name or a client address has failed too often, every attempt, the right one
    too, is refused with TOO_MANY_ATTEMPTS saying how long to wait."""
    if len(username) > MAX_CREDENTIAL_LENGTH or len(password) > MAX_CREDENTIAL_LENGTH:
        raise DomainError(AccountErrorCode.INVALID_CREDENTIALS, "password")
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_active:
        return user
    if AxesProxyHandler.is_locked(request, {"username": username}):
        wait = get_cool_off(request)
        seconds = max(1, math.ceil(wait.total_seconds())) if wait else 0
        raise DomainError(
            AccountErrorCode.TOO_MANY_ATTEMPTS,
            "password",
            {"retry_after_seconds": seconds, "minutes": max(1, math.ceil(seconds / 60))},
        )
    raise DomainError(AccountErrorCode.INVALID_CREDENTIALS, "password")


def _hash(secret: str) -> str:
    # The secret is 256 random bits: a fast hash is enough, and a lookup must be cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned here and never again."""
    if not (user and user.is_authenticated):
        raise DomainError(AccountErrorCode.NOT_AUTHENTICATED)
    name = free_text(name, 100)
    if not name:
        raise DomainError(AccountErrorCode.INVALID, "name")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=_hash(secret))
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_authenticate(raw: str) -> Any | None:
    """The active user a raw bearer token stands for, or None."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.key_hash, _hash(parts[2])):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, user: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or not (token.user_id == user.pk or user.is_superuser):
        raise DomainError(AccountErrorCode.NOT_FOUND, "id")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
