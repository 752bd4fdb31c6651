"""Who may see and do what: the one place that answers it.

A user acts as a person (``user.person``) and as staff of sponsors (``SponsorStaff``); for each
sponsor they hold scopes (``core.scopes``): every scope of their own individual file and of the
sponsors they own, the granted ones of those they are a delegate of (until revoked). Back-office
staff (``is_staff``) see and do everything. A request made with an API token acts only for the
token's sponsor, with those of the token's scopes its creator still holds (``token_scopes``):
never as the back office, and as the person only when the token is for the person's own file.

The visible sets close over each other, so that following any field from a visible object never
reaches an invisible one:

- *represented* sponsors: those the user holds any scope for;
- visible sponsors: represented ones, plus the sponsors of the person's own permits and
  dependencies (a worker may see who sponsors them);
- visible people: the person, everyone a sponsor the user may view the workers of sponsors (an
  active dependency: a person transferred away, or who left, is out of sight from that moment) or
  holds a permit for, the visitors from abroad such a sponsor applied for or hosts, and the
  individuals behind visible sponsors;
- visible permits: the person's own and those of sponsors the user may view the workers of;
- visible applications: those of sponsors the user may view the workers of
  (``core.applications.selectors``).

Acting for a sponsor needs its scope: ``may(user, sponsor, scope)``, and ``sponsors_with(user,
scope)`` in filters. Everything else answers as if it did not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from core.models import ApiToken, Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
from core.scopes import ALL_SCOPES, Scope, StaffRole

# Where a request's token rides on its user object (``core.services.accounts``).
TOKEN_ATTRIBUTE = "iqama_api_token"
NOTHING = Q(pk__in=[])


def per_user(build: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
    """Build each of a user's visibility querysets once per user object — one request, or one
    websocket connection — instead of once per field that narrows by it. Kept on the object
    itself, so it lives and dies with it and never passes to another object of the same user.
    Querysets are lazy: every use is a fresh clone and runs fresh SQL, so nothing goes stale."""

    @functools.wraps(build)
    def cached(user: Any, *args: Any) -> QuerySet:
        built = getattr(user, "__dict__", None)
        if built is None:  # None, or an object without instance attributes
            return build(user, *args)
        memo = built.setdefault("_iqama_visibility", {})
        key = (build.__name__, *args)
        if key not in memo:
            memo[key] = build(user, *args)
        return memo[key].all()

    return cached


def signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def acting_token(user: Any) -> ApiToken | None:
    """The API token the request authenticated with, if it did."""
    return getattr(user, TOKEN_ATTRIBUTE, None) if user is not None else None


def act_through_token(user: Any, token: ApiToken) -> Any:
    """The token's creator, narrowed to what the token may do for the rest of this request."""
    user.__dict__.pop("_iqama_visibility", None)
    setattr(user, TOKEN_ATTRIBUTE, token)
    return user


def token_scopes(token: ApiToken) -> frozenset[str]:
    """What a token may do now: its own scopes that its creator still holds for its sponsor
    (everything for the creator's own individual file; the scopes of their unrevoked place on
    the sponsor's staff otherwise). Read from the rows loaded with the token, no query."""
    if not token.is_active:
        return frozenset()
    sponsor = token.sponsor
    if sponsor.person_id is not None:
        held = ALL_SCOPES if sponsor.person.user_id == token.user_id else frozenset()
    else:
        grant = token.grant
        valid = (
            grant is not None
            and grant.revoked_at is None
            and grant.user_id == token.user_id
            and grant.sponsor_id == token.sponsor_id
        )
        held = grant.scopes if valid else frozenset()
    return token.scopes & held


def token_still_holds(token: ApiToken) -> bool:
    """Whether a token read earlier may still do everything it could then (read afresh): a
    websocket that authenticated just before a revocation finds out here."""
    fresh = ApiToken.objects.select_related("sponsor__person", "grant").filter(pk=token.pk).first()
    return fresh is not None and token_scopes(fresh) >= token_scopes(token)


def acts_as_self(user: Any) -> bool:
    """Whether the request speaks for the signed-in person themself (own permits, own papers):
    a session does, a token only when it is for the person's own individual file."""
    if not signed_in(user):
        return False
    token = acting_token(user)
    if token is None:
        return True
    sponsor = token.sponsor
    return (
        sponsor is not None and sponsor.person_id is not None and sponsor.person.user_id == user.pk
    )


def own(user: Any, lookup: str) -> Q:
    """``lookup`` (a path to a user id) is the user's own, when they act as themself."""
    return Q(**{lookup: user.pk}) if acts_as_self(user) else NOTHING


def is_back_office(user: Any) -> bool:
    """An officer, signed in as themself: a token never carries the back office's powers."""
    return bool(signed_in(user) and user.is_staff and acting_token(user) is None)


def _held(user: Any, scope: str | None) -> Q:
    """Sponsors (as a filter on ``Sponsor``) the user holds ``scope`` for (any scope: None)."""
    if not signed_in(user):
        return NOTHING
    token = acting_token(user)
    if token is not None:
        held = token_scopes(token)
        return Q(pk=token.sponsor_id) if (held if scope is None else scope in held) else NOTHING
    staff = Q(staff__user_id=user.pk, staff__revoked_at__isnull=True)
    if scope is None:
        any_scope = Q()
        for each in Scope.values:
            any_scope |= Q(**{f"staff__{each}": True})
        staff &= any_scope
    else:
        staff &= Q(**{f"staff__{Scope(scope).value}": True})
    return Q(person__user_id=user.pk) | staff


@per_user
def represented_sponsors(user: Any) -> QuerySet[Sponsor]:
    """Sponsors the user holds any scope for: their own individual file, those they own, those
    they are a delegate of."""
    if not signed_in(user):
        return Sponsor.objects.none()
    return Sponsor.objects.filter(_held(user, None))


@per_user
def sponsors_with(user: Any, scope: str) -> QuerySet[Sponsor]:
    """Sponsors the user holds ``scope`` for (the back office is not in it: see ``may``)."""
    if not signed_in(user):
        return Sponsor.objects.none()
    return Sponsor.objects.filter(_held(user, scope))


def sponsor_ids_with(user: Any, scope: str) -> QuerySet:
    """The primary keys of ``sponsors_with``, for filters."""
    return sponsors_with(user, scope).values("pk")


def _viewed_ids(user: Any) -> QuerySet:
    return sponsor_ids_with(user, Scope.VIEW_WORKERS)


def owned_sponsors(user: Any) -> QuerySet[Sponsor]:
    """Sponsors the user owns, signed in as themself: their individual file, and those whose
    unrevoked owner they are. Only owners read the audit log."""
    if not signed_in(user) or acting_token(user) is not None:
        return Sponsor.objects.none()
    return Sponsor.objects.filter(
        Q(person__user_id=user.pk)
        | Q(
            staff__user_id=user.pk,
            staff__revoked_at__isnull=True,
            staff__role=StaffRole.OWNER,
        )
    )


def scopes_for(user: Any, sponsor: Sponsor | None) -> frozenset[str]:
    """The scopes the user holds for a sponsor now, as staff or as its individual (the back
    office's powers are not scopes: ``may``)."""
    if sponsor is None or sponsor.pk is None or not signed_in(user):
        return frozenset()
    token = acting_token(user)
    if token is not None:
        return token_scopes(token) if token.sponsor_id == sponsor.pk else frozenset()
    if sponsor.person_id is not None:  # read with the sponsor where the caller loaded it
        return ALL_SCOPES if sponsor.person.user_id == user.pk else frozenset()
    grant = SponsorStaff.objects.filter(
        sponsor_id=sponsor.pk, user_id=user.pk, revoked_at__isnull=True
    ).first()
    return grant.scopes if grant is not None else frozenset()


def may(user: Any, sponsor: Sponsor | None, scope: str) -> bool:
    """Whether the user may act for the sponsor in this way: the back office always, anyone
    else holding the scope."""
    return sponsor is not None and (is_back_office(user) or scope in scopes_for(user, sponsor))


def actable_sponsors(user: Any, scope: str = Scope.RENEW) -> QuerySet[Sponsor]:
    """Sponsors the user may act for in this way: those holding the scope, any for the back
    office."""
    if is_back_office(user):
        return Sponsor.objects.all()
    return sponsors_with(user, scope)


@per_user
def visible_sponsors(user: Any) -> QuerySet[Sponsor]:
    if is_back_office(user):
        return Sponsor.objects.all()
    if not signed_in(user):
        return Sponsor.objects.none()
    mine = (own(user, "dependents__person__user_id") & Q(dependents__ended_on__isnull=True)) | own(
        user, "permits__holder__user_id"
    )
    ids = Sponsor.objects.filter(_held(user, None) | mine).values("pk")
    return Sponsor.objects.filter(pk__in=ids)


@per_user
def visible_people(user: Any) -> QuerySet[Person]:
    if is_back_office(user):
        return Person.objects.all()
    if not signed_in(user):
        return Person.objects.none()
    viewed = _viewed_ids(user)
    ids = Person.objects.filter(
        own(user, "user_id")
        | Q(sponsorships__sponsor__in=viewed, sponsorships__ended_on__isnull=True)
        | Q(permits__sponsor__in=viewed)
        | Q(civil_id__isnull=True, application_items__application__sponsor__in=viewed)
        | Q(visit_permits__host__in=viewed)
        | Q(sponsor_profile__in=visible_sponsors(user).values("pk"))
    ).values("pk")
    return Person.objects.filter(pk__in=ids)


@per_user
def visible_dependents(user: Any) -> QuerySet[Dependent]:
    if is_back_office(user):
        return Dependent.objects.all()
    if not signed_in(user):
        return Dependent.objects.none()
    return Dependent.objects.filter(Q(sponsor__in=_viewed_ids(user)) | own(user, "person__user_id"))


@per_user
def visible_permits(user: Any) -> QuerySet[ResidencyPermit]:
    if is_back_office(user):
        return ResidencyPermit.objects.all()
    if not signed_in(user):
        return ResidencyPermit.objects.none()
    return ResidencyPermit.objects.filter(
        own(user, "holder__user_id") | Q(sponsor__in=_viewed_ids(user))
    )


def actable_sponsor(user: Any, sponsor_id: int | None, scope: str = Scope.RENEW) -> Sponsor | None:
    """One sponsor of ``actable_sponsors``, with its person, or None: read by its key, then
    the user's scope checked for it (``may``), which costs less than filtering every sponsor
    the user holds the scope for."""
    if sponsor_id is None or not signed_in(user):
        return None
    sponsor = Sponsor.objects.select_related("person").filter(pk=sponsor_id).first()
    return sponsor if sponsor is not None and may(user, sponsor, scope) else None
