"""An application's history: every step written as an ``ApplicationEvent`` and announced, with
what listeners need, once the transaction commits.

A service that records several steps at once (a submission: submitted, documents, checking; a
worker's batch of checks) records them inside ``events_batched()``: they are written together
when the block ends — one statement for their stream numbers, one for the rows, one for the
people they concern — in the order they were recorded, within the same transaction.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from core.applications.models import AgencyCheck, Application, ApplicationEvent, ApplicationItem
from core.applications.streams import application_key, message_of, sponsor_key, take_positions
from core.events import (
    ApplicationEventKind,
    announce_after_commit,
    application_changed,
    application_recorded,
)
from core.request_id import current_request_id


@dataclass
class _Recorded:
    event: ApplicationEvent
    application: Application
    holders: tuple[int, ...] | None  # None: to be read


_batch: ContextVar[list[_Recorded] | None] = ContextVar("application_events_batch", default=None)


def actor_or_none(actor: Any) -> Any:
    """The user to record, or None for the system (and for anonymous callers)."""
    return actor if getattr(actor, "pk", None) else None


@contextlib.contextmanager
def events_batched() -> Iterator[None]:
    """Write the events recorded in the block together when it ends (inside the caller's
    transaction; a block inside another joins it). Keep it out of savepoints that may roll
    back: what was recorded in one is written all the same."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        recorded = _batch.get() or []
    finally:
        _batch.reset(token)
    if recorded:
        _write(recorded)


def record_event(
    application: Application,
    *,
    actor: Any,
    kind: ApplicationEventKind,
    detail: dict[str, Any],
    from_state: str = "",
    to_state: str = "",
    request_id: str | None = None,
    holders: tuple[int, ...] | None = None,
) -> ApplicationEvent:
    """Record one step, with the state it describes, the amount due then and (when written) its
    place in the application's and the sponsor's streams (``streams``), and announce it after
    commit (``core.events.ApplicationMessage``). ``request_id``: the request that caused it,
    when not the current one (a worker's check carries its submission's); ``holders``: the
    people with a login it concerns, when the caller knows them (else they are read)."""
    event = ApplicationEvent(
        application=application,
        sponsor_id=application.sponsor_id,
        actor=actor_or_none(actor),
        kind=kind,
        state=application.state,
        amount_due=application.amount_due,
        detail=detail,
        from_state=from_state,
        to_state=to_state,
        request_id=current_request_id() if request_id is None else request_id,
    )
    recorded = _Recorded(event, application, holders)
    batch = _batch.get()
    if batch is None:
        _write([recorded])
    else:
        batch.append(recorded)
    return event


def _write(recorded: list[_Recorded]) -> None:
    """Number the events in their streams, write them, tell the listeners that write with them
    (``application_recorded``: the webhook outbox), and announce each after commit. The stream
    numbers must be taken and the events written before the same commit: the caller's
    transaction (no savepoint), or one of their own when called outside any."""
    keys = Counter()
    for r in recorded:
        keys[application_key(r.application.pk)] += 1
        keys[sponsor_key(r.application.sponsor_id)] += 1
    messages = []
    with transaction.atomic(savepoint=False):
        last = take_positions(dict(keys))
        following = {key: last[key] - count + 1 for key, count in keys.items()}
        for r in recorded:
            a_key, s_key = application_key(r.application.pk), sponsor_key(r.event.sponsor_id)
            r.event.sequence, r.event.sponsor_sequence = following[a_key], following[s_key]
            following[a_key] += 1
            following[s_key] += 1
        ApplicationEvent.objects.bulk_create([r.event for r in recorded])
        unknown = {r.application.pk for r in recorded if r.holders is None}
        holders = _holders({r.application for r in recorded if r.application.pk in unknown})
        for r in recorded:
            people = r.holders
            if people is None:
                people = holders.get(r.application.pk, ())
                if "person_id" in r.event.detail:  # a check's event: only the checked person's
                    people = tuple(p for p in people if p == r.event.detail["person_id"])
            messages.append(message_of(r.event, r.application, people))
        # What listeners owe others about them (the webhook outbox) commits with them.
        application_recorded.send(sender=None, messages=messages)
    for message in messages:
        announce_after_commit(application_changed, message)


def holders_known(application: Application, items: list[ApplicationItem]) -> None:
    """Say who has a login among the people of ``application``, from all its items as loaded
    (``person`` with them), so that its events need not read it."""
    application._holder_ids = tuple(i.person_id for i in items if i.person.user_id is not None)


def _holders(applications: set[Application]) -> dict[int, tuple[int, ...]]:
    """The people with a login on each application: they watch their own part of it."""
    found: dict[int, tuple[int, ...]] = {}
    application_ids = set()
    for application in applications:
        known = getattr(application, "_holder_ids", None)
        if known is None:
            application_ids.add(application.pk)
        else:
            found[application.pk] = known
    if not application_ids:
        return found
    rows = ApplicationItem.objects.filter(
        application_id__in=application_ids, person__user__isnull=False
    ).values_list("application_id", "person_id")
    for application_id, person_id in rows.order_by("pk"):
        found[application_id] = (*found.get(application_id, ()), person_id)
    return found


def check_event_detail(check: AgencyCheck) -> dict[str, Any]:
    return {
        "check_id": check.pk,
        "person_id": check.item.person_id,
        "agency": check.agency,
        "status": check.status,
        "attempts": check.attempts,
        "amount": f"{check.amount:.3f}",
        "detail_en": check.detail_en,
        "detail_ar": check.detail_ar,
    }


def announce_check(
    check: AgencyCheck,
    *,
    actor: Any = None,
    kind: ApplicationEventKind = ApplicationEventKind.CHECK,
    request_id: str | None = None,
) -> ApplicationEvent:
    """Put a check's new status in its application's history (and so on the websocket)."""
    item = check.item
    holders = None
    if ApplicationItem.person.is_cached(item):  # the checked person, if they have a login
        holders = (item.person_id,) if item.person.user_id is not None else ()
    return record_event(
        item.application,
        actor=actor,
        kind=kind,
        detail=check_event_detail(check),
        request_id=request_id,
        holders=holders,
    )
