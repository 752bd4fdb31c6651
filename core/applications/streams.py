"""Streams of application events, numbered in commit order: each application's (what
``applicationUpdated`` follows) and each sponsor's (what ``myApplications`` follows).

Writing events takes their numbers in both streams in one statement (``take_positions``, for
however many events and streams a transaction writes) that locks the ``EventStream`` rows, in
key order, until the transaction ends. So within a stream, number n+1 is given out
only after n committed: numbers are dense and commit in order, a subscriber that holds n knows
exactly what it lacks, and a gap it sees live (n+2 before n+1, from two processes) is already
in the database to fill. Replays read the same rows the history is (``ApplicationEvent``).
"""

from __future__ import annotations

from django.db import connection

from core.applications.models import Application, ApplicationEvent, EventStream
from core.events import ApplicationEventKind, ApplicationMessage


def application_key(application_id: int) -> str:
    return f"a{application_id}"


def sponsor_key(sponsor_id: int) -> str:
    return f"s{sponsor_id}"


def take_positions(counts: dict[str, int]) -> dict[str, int]:
    """Take ``counts[key]`` more numbers in each stream at once; answers the last number taken
    in each (the first is ``last - count + 1``). The streams' rows are locked, in key order,
    until the caller's transaction ends (call it in the transaction that writes the events)."""
    keys = sorted(counts)
    table = connection.ops.quote_name(EventStream._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS stream (key, last_sequence) VALUES {values} "
            "ON CONFLICT (key) DO UPDATE SET "
            "last_sequence = stream.last_sequence + excluded.last_sequence "
            "RETURNING key, last_sequence",
            [part for key in keys for part in (key, counts[key])],
        )
        return dict(cursor.fetchall())


def current_positions(keys: list[str]) -> dict[str, int]:
    """The last number given out in each stream (0 for a stream with no event yet)."""
    known = dict(EventStream.objects.filter(key__in=keys).values_list("key", "last_sequence"))
    return {key: known.get(key, 0) for key in keys}


def messages_after(key: str, after: int, *, limit: int) -> list[ApplicationMessage]:
    """The events of one stream after number ``after``, in order; at most ``limit``."""
    kind, owner = key[0], int(key[1:])
    if kind == "a":
        rows = ApplicationEvent.objects.filter(application_id=owner, sequence__gt=after)
        order = "sequence"
    else:
        rows = ApplicationEvent.objects.filter(sponsor_id=owner, sponsor_sequence__gt=after)
        order = "sponsor_sequence"
    events = rows.select_related("application").order_by(order)[:limit]
    return [message_of(event, event.application) for event in events]


def message_of(
    event: ApplicationEvent, application: Application, holder_ids: tuple[int, ...] = ()
) -> ApplicationMessage:
    """An event as its listeners see it, live or replayed (``holder_ids``: live only)."""
    return ApplicationMessage(
        application_id=application.pk,
        application_kind=application.kind,
        sponsor_id=application.sponsor_id,
        event_id=event.pk,
        sequence=event.sequence or 0,
        sponsor_sequence=event.sponsor_sequence or 0,
        kind=ApplicationEventKind(event.kind),
        at=event.at.isoformat(),
        state=event.state,
        amount_due=None if event.amount_due is None else f"{event.amount_due:.3f}",
        from_state=event.from_state,
        to_state=event.to_state,
        detail=event.detail,
        request_id=event.request_id,
        holder_ids=holder_ids,
    )
