"""Filters and ordering of permit lists."""

from __future__ import annotations

import datetime as dt

import strawberry_django
from django.db.models import Q
from strawberry import auto

from core import models
from core.applications.models import AgencyName
from core.applications.selectors import holder_held_up_by, holder_in_review
from core.clock import residency_today
from core.models import permit_status_q
from schema.core.enums import HoldUpEnum, PermitStatusEnum


@strawberry_django.filter_type(models.ResidencyPermit)
class PermitFilter:
    @strawberry_django.filter_field(description="Only permits under these articles.")
    def article(self, value: list[int], prefix: str) -> Q:
        return Q(**{f"{prefix}article__in": value})

    @strawberry_django.filter_field(description="Only permits in this status today.")
    def status(self, value: PermitStatusEnum, prefix: str) -> Q:
        inner = permit_status_q(value, residency_today())
        return _prefixed(inner, prefix)

    @strawberry_django.filter_field(description="Only permits expiring before this date.")
    def expires_before(self, value: dt.date, prefix: str) -> Q:
        return Q(**{f"{prefix}expires_on__lt": value})

    @strawberry_django.filter_field(description="Only permits expiring on or after this date.")
    def expires_after(self, value: dt.date, prefix: str) -> Q:
        return Q(**{f"{prefix}expires_on__gte": value})

    @strawberry_django.filter_field(
        description="Only live permits expiring within this many days from today (0: today)."
    )
    def expires_within_days(self, value: int, prefix: str) -> Q:
        today = residency_today()
        return Q(
            **{
                f"{prefix}cancelled_at__isnull": True,
                f"{prefix}expires_on__gte": today,
                f"{prefix}expires_on__lte": today + dt.timedelta(days=max(0, value)),
            }
        )

    @strawberry_django.filter_field(
        description="Only permits whose holder's latest check by one of these agencies found "
        "what holds a renewal up: unpaid fines (FINES), a court record that blocks or needs an "
        "officer (COURTS)."
    )
    def held_up_by(self, value: list[HoldUpEnum], prefix: str) -> Q:
        found = Q()
        for agency in value:
            found |= holder_held_up_by(AgencyName(agency.value))
        return found

    @strawberry_django.filter_field(
        description="Only permits whose holder's open application has a check an officer is "
        "reviewing (true), or none (false)."
    )
    def in_review(self, value: bool, prefix: str) -> Q:
        return holder_in_review() if value else ~holder_in_review()


@strawberry_django.order_type(models.ResidencyPermit)
class PermitOrder:
    expires_on: auto
    issued_on: auto
    article: auto


def _prefixed(q: Q, prefix: str) -> Q:
    if not prefix:
        return q
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        out.children.append(
            _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        )
    return out
