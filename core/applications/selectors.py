"""Who may see which application: beside ``core.access``, on the same definitions.

Those who may view its sponsor's workers (the individual sponsor, a company's or government
body's staff holding ``view_workers``) and the back office; acting on it takes the scope of the
act (``actable_applications``: ``renew`` to change, submit or cancel, ``pay`` to pay), as far as
its state allows. Anyone else finds it missing.

A person also sees their own part of an application made for them by someone else (a worker,
the renewal of his Art. 18 residency by his employer): their item and its checks, never the
application itself, its amounts or anyone else on it (``visible_items``).

A party asked to consent (a transfer's current sponsor, its holder) sees the consent asked of
them (``consents_asked_of``): the person, the articles, the months and who asks — not the
application.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from core import access
from core.applications.models import (
    FINISHED_CHECKS,
    AgencyCheck,
    AgencyName,
    Application,
    ApplicationItem,
    CheckStatus,
    Consent,
    ConsentParty,
)
from core.models import PermitStatus, ResidencyPermit, permit_status_q
from core.scopes import Scope


@access.per_user
def visible_applications(user: Any) -> QuerySet[Application]:
    if access.is_back_office(user):
        return Application.objects.all()
    return Application.objects.filter(sponsor__in=access.sponsor_ids_with(user, Scope.VIEW_WORKERS))


def actable_applications(user: Any, scope: str) -> QuerySet[Application]:
    """Applications the user may act on in this way (``renew``, ``pay``)."""
    if access.is_back_office(user):
        return Application.objects.all()
    return Application.objects.filter(sponsor__in=access.sponsor_ids_with(user, scope))


@access.per_user
def visible_items(user: Any) -> QuerySet[ApplicationItem]:
    """The items of visible applications, and the person's own items in anyone's."""
    if access.is_back_office(user):
        return ApplicationItem.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return ApplicationItem.objects.none()
    return ApplicationItem.objects.filter(
        Q(application__in=visible_applications(user).values("pk"))
        | access.own(user, "person__user_id")
    )


def visible_checks(user: Any) -> QuerySet[AgencyCheck]:
    return AgencyCheck.objects.filter(item__in=visible_items(user).values("pk"))


def own_items(user: Any) -> QuerySet[ApplicationItem]:
    """The signed-in person's own items, whoever applied for them."""
    if not access.acts_as_self(user):
        return ApplicationItem.objects.none()
    return ApplicationItem.objects.filter(person__user_id=user.pk)


def consents_asked_of(user: Any, scope: str = Scope.VIEW_WORKERS) -> QuerySet[Consent]:
    """Consents asked of the user: of a sponsor they hold ``scope`` for (seeing them:
    ``view_workers``; deciding: ``renew``), or of themself as the holder."""
    if not access.signed_in(user):
        return Consent.objects.none()
    return Consent.objects.filter(
        Q(sponsor__in=access.sponsor_ids_with(user, scope))
        | (Q(party=ConsentParty.HOLDER) & access.own(user, "item__person__user_id"))
    )


def holder_in_review() -> Q:
    """Permits whose holder is in an open application with a check an officer has yet to
    decide (a filter of permits)."""
    return Q(
        Exists(
            AgencyCheck.objects.filter(
                item__open_person_id=OuterRef("holder_id"), status=CheckStatus.REVIEW
            )
        )
    )


def holder_held_up_by(agency: str) -> Q:
    """Permits whose holder's latest check by this agency found what holds a renewal up:
    unpaid fines (``fines``), or a court record that blocks or needs an officer (``courts``)."""
    latest = (
        AgencyCheck.objects.filter(
            item__person_id=OuterRef(OuterRef("holder_id")),
            agency=agency,
            status__in=FINISHED_CHECKS,
        )
        .order_by("-updated_at", "-id")
        .values("pk")[:1]
    )
    found = (
        Q(amount__gt=0)
        if agency == AgencyName.FINES
        else Q(status__in=[CheckStatus.BLOCKED, CheckStatus.REVIEW])
    )
    return Q(Exists(AgencyCheck.objects.filter(found, pk=Subquery(latest))))


def permit_counts(permits: QuerySet[ResidencyPermit], today: dt.date) -> dict[str, int]:
    """How many of these permits are in each status today, in review, and held up by fines or
    by a court record: one query."""
    statuses = {
        status.value: Count("pk", filter=permit_status_q(status, today)) for status in PermitStatus
    }
    return permits.aggregate(
        total=Count("pk"),
        **statuses,
        in_review=Count("pk", filter=holder_in_review()),
        held_up_by_fines=Count("pk", filter=holder_held_up_by(AgencyName.FINES)),
        held_up_by_courts=Count("pk", filter=holder_held_up_by(AgencyName.COURTS)),
    )
