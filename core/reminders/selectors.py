"""Who watches a sponsor's permit reminders: whoever may see the sponsor's workers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import access
from core.models import Sponsor
from core.scopes import Scope


def reminded_sponsors(user: Any) -> QuerySet[Sponsor]:
    """The sponsors whose reminders the user may watch: those whose workers the user may see
    (the individual sponsor; a company's owners, delegates and tokens holding view-workers)."""
    return access.sponsors_with(user, Scope.VIEW_WORKERS)
