"""Calendar arithmetic every kind shares: months from a day, and how many whole months fit
before a day."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_within(start: dt.date, bound: dt.date | None) -> int:
    """The most whole months from ``start`` that end on or before ``bound`` (0 if none)."""
    if bound is None or bound <= start:
        return 0
    months = (bound.year - start.year) * 12 + bound.month - start.month
    while months > 0 and add_months(start, months) > bound:
        months -= 1
    return months
