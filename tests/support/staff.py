"""Helpers for staff tests: a company with an owner and workers, delegates granted through the
service, the GraphQL documents of delegates and tokens, global IDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from strawberry.relay import to_base64

from core.models import ApiToken, SponsorStaff
from core.scopes import Scope
from core.services.accounts import api_token_create
from core.sponsors.delegates import delegate_grant

GRANT = """mutation($s: ID!, $u: String!, $scopes: [Scope!]!) {
  grantDelegate(sponsorId: $s, username: $u, scopes: $scopes) {
    delegate { id username role scopes grantedBy grantedAt revokedAt }
    errors { field code message messageEn messageAr }
  }
}"""
REVOKE = """mutation($id: ID!) {
  revokeDelegate(id: $id) {
    delegate { id revokedAt revokedBy scopes grantedScopes }
    errors { field code message }
  }
}"""
CREATE_TOKEN = """mutation($s: ID!, $n: String!, $scopes: [Scope!]!, $until: DateTime!) {
  createApiToken(sponsorId: $s, name: $n, scopes: $scopes, expiresAt: $until) {
    token apiToken { id name scopes activeScopes expiresAt createdBy sponsor { id } }
    errors { field code message messageEn messageAr }
  }
}"""
RENEW = """mutation($s: ID!, $p: ID!) {
  createRenewal(sponsorId: $s, people: [{personId: $p, months: 12}]) {
    application { id state } errors { code }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
PERMITS = "{ permits(first: 50) { totalCount edges { node { id holder { id } } } } }"
EMPLOYERS = "{ me { employers { id myScopes } } }"
AUDIT = """query($id: ID!) { sponsor(id: $id) { auditLog(first: 50) { edges { node {
  action actorName tokenPrefix backOffice targetType targetId detail } } } } }"""
STAFF = """query($id: ID!) { sponsor(id: $id) { staff(first: 50) { edges { node {
  id username role scopes grantedScopes grantedBy revokedBy revokedAt } } } } }"""

ALL = list(Scope.values)


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def sponsor_gid(sponsor) -> str:
    return gid("Sponsor", sponsor.pk)


def person_gid(person) -> str:
    return gid("Person", person.pk)


def delegate(sponsor, user, scopes: Iterable[str], *, by) -> SponsorStaff:
    """``user`` made a delegate of ``sponsor`` by ``by`` (its owner), through the service."""
    return delegate_grant(
        actor=by, sponsor_id=sponsor.pk, username=user.username, scopes=list(scopes)
    )


def token(user, sponsor, scopes: Iterable[str], *, days: int = 30) -> tuple[ApiToken, str]:
    return api_token_create(
        actor=user,
        sponsor_id=sponsor.pk,
        name="HR system",
        scopes=list(scopes),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def until(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def enum_names(scopes: Iterable[str]) -> list[str]:
    """Scopes as GraphQL names them, in the vocabulary's order."""
    held = set(scopes)
    return [scope.upper() for scope in Scope.values if scope in held]
