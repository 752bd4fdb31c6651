"""Leases on rows that are work: one worker at a time, and nothing lost when one dies.

A durable piece of work (an agency check, a report owed to an agency, a refund to ask for) is a
row with a lease column and an attempts column. A worker *claims* it in a short transaction —
the row locked, still eligible, no live lease — by setting a lease and counting one more
attempt; it does the slow part (an agency, a gateway) outside any transaction; then it records
the outcome only if its claim still holds (the attempts are the ones it counted). A worker that
dies leaves a lease that runs out, and the row is claimable again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Claim(Generic[M]):
    row: M
    attempt: int


@dataclass(frozen=True)
class LeaseColumns:
    until: str  # the lease's end (null: no lease)
    attempts: str  # attempts so far


def claim(
    model: type[M],
    pk: Any,
    *,
    columns: LeaseColumns,
    lease: dt.timedelta,
    eligible: Q | None = None,
    related: tuple[str, ...] = (),
    on_claim: Callable[[M], list[str]] | None = None,
) -> Claim[M] | None:
    """Take the lease on row ``pk`` if it is ``eligible`` and nobody holds it; ``on_claim``
    may change the row further (it answers the names of the fields it changed)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            model.objects.select_for_update(of=("self",))
            .select_related(*related)
            .filter(eligible or Q(), pk=pk)
            .first()
        )
        if row is None:
            return None
        until = getattr(row, columns.until)
        if until is not None and until > now:
            return None  # another worker holds it
        attempt = getattr(row, columns.attempts) + 1
        setattr(row, columns.until, now + lease)
        setattr(row, columns.attempts, attempt)
        changed = on_claim(row) if on_claim else []
        row.save(update_fields=[columns.until, columns.attempts, *changed])
        return Claim(row, attempt)


def still_held(model: type[M], claimed: Claim[M], *, columns: LeaseColumns) -> M | None:
    """Inside the caller's transaction: the row locked again, if the claim still holds (no
    other worker claimed it since), else None."""
    row = model.objects.select_for_update(of=("self",)).get(pk=claimed.row.pk)
    return row if getattr(row, columns.attempts) == claimed.attempt else None


def release(model: type[M], claimed: Claim[M], *, columns: LeaseColumns, **changes: Any) -> bool:
    """End the lease (setting ``changes`` too) if the claim still holds."""
    with transaction.atomic():
        row = still_held(model, claimed, columns=columns)
        if row is None:
            return False
        setattr(row, columns.until, None)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=[columns.until, *changes])
        return True
