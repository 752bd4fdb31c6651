"""Who may see what: the one place that answers it.

A user acts as a person (``user.person``) and/or as staff of sponsors (``SponsorStaff``);
back-office staff (``is_staff``) see everything. From those the visible sets close over each
other, so that following any field from a visible object never reaches an invisible one:

- *represented* sponsors: the person's own individual sponsor record and the sponsors the
  user is staff of;
- visible sponsors: represented ones, plus the sponsors of the person's own permits and
  dependencies (a worker may see who sponsors them);
- visible people: the person, everyone a represented sponsor sponsors or holds a permit for,
  the visitors from abroad a represented sponsor applied for or hosts, and the individuals
  behind visible sponsors;
- visible permits: the person's own and those a represented sponsor holds;
- visible applications: those of represented sponsors (``core.applications.selectors``).

Everything else answers as if it did not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from core.models import Dependent, Person, ResidencyPermit, Sponsor


def per_user(build: Callable[[Any], QuerySet]) -> Callable[[Any], QuerySet]:
    """Build each of a user's visibility querysets once per user object — one request, or one
    websocket connection — instead of once per field that narrows by it. Kept on the object
    itself, so it lives and dies with it and never passes to another object of the same user.
    Querysets are lazy: every use is a fresh clone and runs fresh SQL, so nothing goes stale."""

    @functools.wraps(build)
    def cached(user: Any) -> QuerySet:
        built = getattr(user, "__dict__", None)
        if built is None:  # None, or an object without instance attributes
            return build(user)
        memo = built.setdefault("_iqama_visibility", {})
        if build.__name__ not in memo:
            memo[build.__name__] = build(user)
        return memo[build.__name__].all()

    return cached


def is_back_office(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@per_user
def represented_sponsors(user: Any) -> QuerySet[Sponsor]:
    """Sponsors the user may act for: their own individual file and their employers' files."""
    if not (user and user.is_authenticated and user.is_active):
        return Sponsor.objects.none()
    return Sponsor.objects.filter(Q(person__user_id=user.pk) | Q(staff__user_id=user.pk))


def _represented_ids(user: Any) -> QuerySet:
    return represented_sponsors(user).values("pk")


@per_user
def visible_sponsors(user: Any) -> QuerySet[Sponsor]:
    if is_back_office(user):
        return Sponsor.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Sponsor.objects.none()
    own = Q(person__user_id=user.pk) | Q(staff__user_id=user.pk)
    mine = Q(dependents__person__user_id=user.pk, dependents__ended_on__isnull=True) | Q(
        permits__holder__user_id=user.pk
    )
    ids = Sponsor.objects.filter(own | mine).values("pk")
    return Sponsor.objects.filter(pk__in=ids)


@per_user
def visible_people(user: Any) -> QuerySet[Person]:
    if is_back_office(user):
        return Person.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Person.objects.none()
    represented = _represented_ids(user)
    ids = Person.objects.filter(
        Q(user_id=user.pk)
        | Q(sponsorships__sponsor__in=represented)
        | Q(permits__sponsor__in=represented)
        | Q(civil_id__isnull=True, application_items__application__sponsor__in=represented)
        | Q(visit_permits__host__in=represented)
        | Q(sponsor_profile__in=visible_sponsors(user).values("pk"))
    ).values("pk")
    return Person.objects.filter(pk__in=ids)


@per_user
def visible_dependents(user: Any) -> QuerySet[Dependent]:
    if is_back_office(user):
        return Dependent.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Dependent.objects.none()
    return Dependent.objects.filter(
        Q(sponsor__in=_represented_ids(user)) | Q(person__user_id=user.pk)
    )


@per_user
def visible_permits(user: Any) -> QuerySet[ResidencyPermit]:
    if is_back_office(user):
        return ResidencyPermit.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return ResidencyPermit.objects.none()
    return ResidencyPermit.objects.filter(
        Q(holder__user_id=user.pk) | Q(sponsor__in=_represented_ids(user))
    )


def actable_sponsors(user: Any) -> QuerySet[Sponsor]:
    """Sponsors the user may apply for: those represented, or any for the back office."""
    if is_back_office(user):
        return Sponsor.objects.all()
    return represented_sponsors(user)


def actable_sponsor(user: Any, sponsor_id: int | None) -> Sponsor | None:
    """One sponsor of ``actable_sponsors``, with its person, or None: read by its key, then
    the user's part in it checked (their own file, or staff of it), which costs less than
    filtering every sponsor by both."""
    if sponsor_id is None or not (user and user.is_authenticated and user.is_active):
        return None
    sponsor = Sponsor.objects.select_related("person").filter(pk=sponsor_id).first()
    if sponsor is None or is_back_office(user):
        return sponsor
    if sponsor.person is not None and sponsor.person.user_id == user.pk:
        return sponsor
    return sponsor if sponsor.staff.filter(user_id=user.pk).exists() else None


def may_act_for_sponsor(user: Any, sponsor: Sponsor) -> bool:
    """Whether the user may change the sponsor's file (add dependents, renew, pay)."""
    return is_back_office(user) or represented_sponsors(user).filter(pk=sponsor.pk).exists()


def represented_sponsor_ids(user: Any) -> QuerySet:
    """The primary keys of ``represented_sponsors``, for filters."""
    return _represented_ids(user)
