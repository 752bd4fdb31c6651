"""Who may see which payment: those who may see its application (``core.access``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.applications.selectors import visible_applications
from payments.models import Payment


def visible_payments(user: Any) -> QuerySet[Payment]:
    return Payment.objects.filter(application__in=visible_applications(user).values("pk"))
