"""Sign-in for browsers (session cookie) and API tokens for integrations."""

from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from strawberry import relay
from strawberry.types import Info

from core import access, models
from core.errors import AccountErrorCode, DomainError
from core.services.accounts import account_sign_in, api_token_create, api_token_revoke
from schema.core.queries import Me
from schema.core.staff import ApiToken, ScopeEnum
from schema.errors import AccountError, pk_of, run_domain, to_errors


@strawberry.type
class LoginPayload:
    me: Me | None = None
    csrf_token: str | None = strawberry.field(
        default=None, description="Send as X-CSRFToken with every later cookie request."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="After TOO_MANY_ATTEMPTS: how long to wait before trying again."
    )
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool


@strawberry.type
class CreateApiTokenPayload:
    api_token: ApiToken | None = None
    token: str | None = strawberry.field(
        default=None, description="The bearer token. Shown once: store it now."
    )
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeApiTokenPayload:
    api_token: ApiToken | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type
class AccountQuery:
    @strawberry_django.field(
        description="The API tokens you created, for any sponsor (never their secret)."
    )
    def my_api_tokens(self, info: Info) -> list[ApiToken]:
        user = info.context.user
        if not user.is_authenticated or access.acting_token(user) is not None:
            return models.ApiToken.objects.none()
        return models.ApiToken.objects.filter(user_id=user.pk)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Sign in with a session cookie (browsers), over HTTP; one per request. "
        "Repeated failures lock the user name and the client address for a while."
    )
    def login(self, info: Info, username: str, password: str) -> LoginPayload:
        request = info.context.request
        if not isinstance(request, HttpRequest):  # a websocket has no session to sign into
            exc = DomainError(AccountErrorCode.INVALID, None)
            return LoginPayload(errors=to_errors(exc, info, AccountError))
        try:
            user = account_sign_in(request=request, username=username, password=password)
        except DomainError as exc:
            return LoginPayload(
                retry_after_seconds=exc.params.get("retry_after_seconds"),
                errors=to_errors(exc, info, AccountError),
            )
        login(request, user)
        info.context.user = user
        return LoginPayload(
            me=Me(username=user.get_username(), is_back_office=user.is_staff),
            csrf_token=get_token(request),
        )

    @strawberry.mutation(description="End the browser session.")
    def logout(self, info: Info) -> LogoutPayload:
        logout(info.context.request)
        return LogoutPayload(ok=True)

    @strawberry_django.mutation(
        description="Create a bearer token for an HR system: for one sponsor you hold "
        "INTEGRATIONS for, with some of the scopes you hold there (it loses any you lose), "
        "until expiresAt (at most API_TOKEN_MAX_DAYS away). Signed in as yourself only."
    )
    def create_api_token(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        name: str,
        scopes: list[ScopeEnum],
        expires_at: dt.datetime,
    ) -> CreateApiTokenPayload:
        result, errors = run_domain(
            info,
            AccountError,
            lambda: api_token_create(
                actor=info.context.user,
                sponsor_id=pk_of(sponsor_id, "Sponsor"),
                name=name,
                scopes=[scope.value for scope in scopes],
                expires_at=expires_at,
            ),
        )
        if errors:
            return CreateApiTokenPayload(errors=errors)
        token, raw = result
        return CreateApiTokenPayload(api_token=token, token=raw)

    @strawberry_django.mutation(
        description="Revoke a token at once, for good (its open websockets close): its creator, "
        "or anyone holding INTEGRATIONS for its sponsor."
    )
    def revoke_api_token(self, info: Info, id: relay.GlobalID) -> RevokeApiTokenPayload:
        token, errors = run_domain(
            info,
            AccountError,
            lambda: api_token_revoke(actor=info.context.user, token_id=pk_of(id, "ApiToken")),
        )
        return RevokeApiTokenPayload(api_token=token, errors=errors)


__all__ = ["AccountMutation", "AccountQuery"]
