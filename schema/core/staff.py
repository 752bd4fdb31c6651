"""GraphQL types of a sponsor's staff, their API tokens and the sponsor's audit log. Each type
narrows its queryset to what the viewer may see (``core.access``): the staff to those who may
manage delegates, tokens to their creator and those who hold ``integrations``, the audit log to
the sponsor's owners; the back office sees all."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import auto, relay
from strawberry.types import Info

from core import access, models
from core.scopes import Scope, StaffRole, ordered
from schema.model_types import model_type

ScopeEnum = strawberry.enum(
    Scope,
    name="Scope",
    description="What staff (and their tokens) may do for a sponsor: VIEW_WORKERS (people, "
    "permits, dependents, documents, applications), RENEW (create, submit and cancel "
    "applications, add people, upload papers; implies VIEW_WORKERS), PAY (start payments; "
    "implies VIEW_WORKERS), MANAGE_DELEGATES, INTEGRATIONS (API tokens and webhooks).",
)
StaffRoleEnum = strawberry.enum(StaffRole, name="StaffRole")
AuditActionEnum = strawberry.enum(models.AuditAction, name="AuditAction")


def scopes_of(row: Any) -> list[ScopeEnum]:
    return [Scope(scope) for scope in ordered(row.scopes)]


SCOPE_COLUMNS = list(Scope.values)


@model_type(
    models.SponsorStaff,
    name="SponsorStaff",
    description="An owner or a delegate of a sponsor: what they may do, who granted it and "
    "when, who revoked it and when.",
)
class SponsorStaff(relay.Node):
    role: StaffRoleEnum
    granted_at: auto
    revoked_at: auto

    @strawberry_django.field(only=["user__username"], select_related=["user"])
    def username(self, root: models.SponsorStaff) -> str:
        return root.user.get_username()

    @strawberry_django.field(only=SCOPE_COLUMNS, description="Empty once revoked.")
    def scopes(self, root: models.SponsorStaff) -> list[ScopeEnum]:
        return scopes_of(root) if root.revoked_at is None else []

    @strawberry_django.field(
        only=SCOPE_COLUMNS, description="What they held (when revoked: what they lost)."
    )
    def granted_scopes(self, root: models.SponsorStaff) -> list[ScopeEnum]:
        return scopes_of(root)

    @strawberry_django.field(only=["granted_by__username"], select_related=["granted_by"])
    def granted_by(self, root: models.SponsorStaff) -> str | None:
        return root.granted_by.get_username() if root.granted_by_id else None

    @strawberry_django.field(only=["revoked_by__username"], select_related=["revoked_by"])
    def revoked_by(self, root: models.SponsorStaff) -> str | None:
        return root.revoked_by.get_username() if root.revoked_by_id else None

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        user = info.context.user
        if access.is_back_office(user):
            return queryset
        managed = access.sponsor_ids_with(user, Scope.MANAGE_DELEGATES)
        return queryset.filter(sponsor__in=managed, sponsor__person__isnull=True)


@model_type(
    models.ApiToken,
    name="ApiToken",
    description="A bearer token of an HR system, for one sponsor (never its secret).",
)
class ApiToken(relay.Node):
    name: auto
    prefix: auto
    created_at: auto
    last_used_at: auto
    expires_at: auto
    revoked_at: auto
    # Lazy: schema.core.types imports this module for the sponsor's staff and tokens.
    sponsor: Annotated["Sponsor", strawberry.lazy("schema.core.types")] | None  # noqa: F821, UP037

    @strawberry_django.field(only=["user__username"], select_related=["user"])
    def created_by(self, root: models.ApiToken) -> str:
        return root.user.get_username()

    @strawberry_django.field(only=SCOPE_COLUMNS, description="The scopes it was given.")
    def scopes(self, root: models.ApiToken) -> list[ScopeEnum]:
        return scopes_of(root)

    @strawberry_django.field(
        select_related=["sponsor__person", "grant"],
        description="What it may do now: its scopes that its creator still holds for its "
        "sponsor; empty when revoked or expired.",
    )
    def active_scopes(self, root: models.ApiToken) -> list[ScopeEnum]:
        return [Scope(scope) for scope in ordered(access.token_scopes(root))]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        user = info.context.user
        if access.is_back_office(user):
            return queryset
        if not access.signed_in(user):
            return queryset.none()
        mine = Q(user_id=user.pk) if access.acting_token(user) is None else access.NOTHING
        return queryset.filter(
            mine | Q(sponsor__in=access.sponsor_ids_with(user, Scope.INTEGRATIONS))
        )


@model_type(
    models.AuditEntry,
    name="AuditEntry",
    description="Who acted for the sponsor (a user, through a token or not), what they did, "
    "on what, when. Append-only.",
)
class AuditEntry(relay.Node):
    at: auto
    action: AuditActionEnum
    actor_name: str = strawberry_django.field(description="Empty for the service itself.")
    token_prefix: str = strawberry_django.field(description="The API token used, if any.")
    back_office: bool = strawberry_django.field(description="An officer acted.")
    target_type: auto
    target_id: auto
    detail: strawberry.scalars.JSON
    request_id: auto

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        user = info.context.user
        if access.is_back_office(user):
            return queryset
        return queryset.filter(sponsor__in=access.owned_sponsors(user).values("pk"))
