"""Who may see a visit permit: the host's file (whoever may view its people), the visitor
themself if they ever sign in, and the back office."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core import access
from core.scopes import Scope
from core.visits.models import VisitPermit


@access.per_user
def visible_visit_permits(user: Any) -> QuerySet[VisitPermit]:
    if access.is_back_office(user):
        return VisitPermit.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return VisitPermit.objects.none()
    return VisitPermit.objects.filter(
        Q(host__in=access.sponsor_ids_with(user, Scope.VIEW_WORKERS))
        | access.own(user, "visitor__user_id")
    )
