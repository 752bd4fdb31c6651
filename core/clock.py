"""The residency day: the calendar date in Kuwait that permit statuses are judged on.

A response that lists permits, or filters them by status, judges every one of them on the
same day: one read that straddles midnight must not call one permit EXPIRING and the next,
loaded a moment later, EXPIRED, nor filter on one day and display another. ``one_residency_day``
fixes the day for a unit of work (a GraphQL request); outside one, it is today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_fixed_day: ContextVar[dt.date | None] = ContextVar("iqama_residency_day", default=None)


def residency_today() -> dt.date:
    return _fixed_day.get() or timezone.localdate()


@contextmanager
def one_residency_day() -> Iterator[dt.date]:
    """Judge everything inside on the day it started (nested uses keep the outer day)."""
    day = _fixed_day.get()
    if day is not None:
        yield day
        return
    token = _fixed_day.set(timezone.localdate())
    try:
        yield _fixed_day.get()  # type: ignore[misc]
    finally:
        _fixed_day.reset(token)
