"""Who watches a sponsor's permit reminders: whoever may see the sponsor's workers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import access
from core.models import Sponsor


def reminded_sponsors(user: Any) -> QuerySet[Sponsor]:
    """The sponsors whose reminders the user may watch: those whose workers the user may see,
    today the sponsors the user represents (the individual sponsor, a company's staff). With
    delegates' scopes it becomes the owner and delegates holding the view-workers scope."""
    return access.represented_sponsors(user)
