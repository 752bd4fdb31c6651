"""Sign-in, and the API tokens of HR systems: created once by staff holding ``integrations``
for one sponsor, with some of their scopes and an expiry; shown once, stored as a hash,
revocable; audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core import access, events
from core.errors import AccountErrorCode, DomainError, DomainErrors
from core.models import ApiToken, AuditAction, Sponsor, SponsorStaff
from core.names import free_text
from core.scopes import Scope, UnknownScope, closed, ordered
from core.services.audit import audit

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


def token_max_days() -> int:
    return int(settings.API_TOKENS["MAX_DAYS"])


def _token_problems(
    name: str | None, scopes: frozenset[str] | None, held: frozenset[str], expires_at: dt.datetime
) -> list[DomainError]:
    problems = []
    if not name:
        problems.append(DomainError(AccountErrorCode.INVALID, "name"))
    if scopes is None:
        problems.append(DomainError(AccountErrorCode.INVALID, "scopes"))
    elif not scopes:
        problems.append(DomainError(AccountErrorCode.SCOPES_REQUIRED, "scopes"))
    elif not scopes <= held:
        missing = ", ".join(ordered(scopes - held))
        problems.append(DomainError(AccountErrorCode.SCOPE_NOT_HELD, "scopes", {"scopes": missing}))
    now = timezone.now()
    if expires_at <= now:
        problems.append(DomainError(AccountErrorCode.EXPIRY_IN_PAST, "expiresAt"))
    elif expires_at > now + dt.timedelta(days=token_max_days()):
        days = {"days": token_max_days()}
        problems.append(DomainError(AccountErrorCode.EXPIRY_TOO_FAR, "expiresAt", days))
    return problems


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    sponsor_id: int | None,
    name: str,
    scopes: Iterable[str],
    expires_at: dt.datetime,
) -> tuple[ApiToken, str]:
    """A token for one sponsor the actor holds ``integrations`` for, with some of the scopes the
    actor holds there (those a scope implies come with it), until ``expires_at`` (at most
    ``API_TOKENS["MAX_DAYS"]`` away). The raw value is returned here and never again."""
    if not access.signed_in(actor):
        raise DomainError(AccountErrorCode.NOT_AUTHENTICATED)
    if access.acting_token(actor) is not None:
        raise DomainError(AccountErrorCode.SIGN_IN_AS_YOURSELF)
    sponsor = Sponsor.objects.filter(pk=sponsor_id).first() if sponsor_id else None
    held = access.scopes_for(actor, sponsor)
    if Scope.INTEGRATIONS not in held:
        raise DomainError(AccountErrorCode.NOT_FOUND, "sponsorId")
    try:
        wanted: frozenset[str] | None = closed(scopes)
    except UnknownScope:
        wanted = None
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    clean_name = free_text(name, 100)
    problems = _token_problems(clean_name, wanted, held, expires_at)
    if problems:
        raise DomainErrors(problems)
    grant = None
    if sponsor.person_id is None:
        grant = SponsorStaff.objects.get(sponsor=sponsor, user=actor, revoked_at__isnull=True)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        sponsor=sponsor,
        grant=grant,
        name=clean_name,
        prefix=prefix,
        key_hash=_hash(secret),
        expires_at=expires_at,
    )
    token.set_scopes(wanted)
    token.save()
    audit(
        actor=actor,
        sponsor=sponsor,
        action=AuditAction.TOKEN_CREATED,
        target=token,
        detail={
            "name": token.name,
            "prefix": prefix,
            "scopes": ordered(token.scopes),
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_authenticate(raw: str) -> Any | None:
    """The user a raw bearer token acts as, narrowed to what the token may do
    (``core.access.act_through_token``); None when it is unknown, revoked, expired, its creator
    is inactive or no longer holds any of its scopes. One query."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("user", "sponsor__person", "grant")
        .filter(prefix=parts[1])
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.key_hash, _hash(parts[2])):
        return None
    if not access.token_scopes(token):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return access.act_through_token(token.user, token)


def may_manage_token(actor: Any, token: ApiToken) -> bool:
    """Its creator, or whoever holds ``integrations`` for its sponsor."""
    if not access.signed_in(actor):
        return False
    if token.user_id == actor.pk and access.acting_token(actor) is None:
        return True
    return token.sponsor_id is not None and Scope.INTEGRATIONS in access.scopes_for(
        actor, token.sponsor
    )


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int | None) -> ApiToken:
    """Revoke at once, for good; its open websockets are closed. Revoking again changes
    nothing."""
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("sponsor")
        .filter(pk=token_id)
        .first()
    )
    if token is None or not may_manage_token(actor, token):
        raise DomainError(AccountErrorCode.NOT_FOUND, "id")
    if token.revoked_at is None:
        tokens_revoke([token], actor=actor, reason="revoked")
    return token


def tokens_revoke(tokens: list[ApiToken], *, actor: Any, reason: str) -> None:
    """Revoke these tokens (inside the caller's transaction), record it, and close their
    websockets once committed."""
    now = timezone.now()
    by = actor if access.signed_in(actor) else None
    for token in tokens:
        token.revoked_at, token.revoked_by = now, by
        token.save(update_fields=["revoked_at", "revoked_by"])
        if token.sponsor_id is not None:
            audit(
                actor=actor,
                sponsor=token.sponsor_id,
                action=AuditAction.TOKEN_REVOKED,
                target=token,
                detail={"name": token.name, "prefix": token.prefix, "reason": reason},
            )
    if tokens:
        events.announce_after_commit(
            events.access_revoked,
            events.AccessRevokedMessage(user_ids=(), token_ids=tuple(t.pk for t in tokens)),
        )
