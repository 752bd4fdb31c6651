"""Who may see which application: beside ``core.access``, on the same definitions.

Those who act for its sponsor (the individual sponsor, a company's or government body's staff)
and the back office. Who may see an application may act on it, as far as its state allows;
anyone else finds it missing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import access
from core.applications.models import Application


@access.per_user
def visible_applications(user: Any) -> QuerySet[Application]:
    if access.is_back_office(user):
        return Application.objects.all()
    return Application.objects.filter(sponsor__in=access.represented_sponsor_ids(user))
