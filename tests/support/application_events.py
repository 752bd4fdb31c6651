"""What the realtime application tests compare: the events the services wrote for an
application, as a subscriber would see them, against the updates a subscriber got.

Before publishing, each test waits until the subscriber's channel is in the group in Redis
(graphql-transport-ws has no "subscribed" acknowledgement; an earlier event would be lost).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db.models import Max
from strawberry.relay import to_base64

from core import households
from core.applications.models import Application, ApplicationEvent
from core.applications.services import PersonChoice, application_create
from tests.support.websocket import WSClient

UPDATE_FIELDS = "applicationId state amountDue sentAt event { kind fromState toState at }"
APPLICATION_UPDATED = f"""
subscription($id: ID!) {{ applicationUpdated(id: $id) {{ {UPDATE_FIELDS} }} }}"""
MY_APPLICATIONS = f"subscription {{ myApplications {{ {UPDATE_FIELDS} }} }}"


def token_for(user) -> str:
    return households.token(user, name="realtime application test")


def app_gid(pk: int) -> str:
    return to_base64("RenewalApplication", pk)


def collect(client: WSClient, counts: dict[str, int], timeout: float = 10) -> dict[str, list[dict]]:
    """The next ``counts[op]`` updates of each operation, each with the local time it was read
    (``receivedAt``). Fails on anything else but the ``complete`` of another operation."""
    got: dict[str, list[dict]] = {op: [] for op in counts}
    deadline = time.monotonic() + timeout
    while any(len(got[op]) < n for op, n in counts.items()):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"timed out; got {[(op, len(v)) for op, v in got.items()]} of {counts}")
        message = client.receive(remaining)
        received_at = time.time()
        if message["type"] == "complete" and message.get("id") not in got:
            continue  # the end of another operation (a refused one)
        assert message["type"] == "next" and message.get("id") in got, message
        payload = message["payload"]
        assert not payload.get("errors"), payload
        (update,) = payload["data"].values()
        got[message["id"]].append({**update, "receivedAt": received_at})
    return got


Event = tuple[str, str | None, str | None, dt.datetime]


def mark(app_pk: int) -> int:
    """The id of the application's latest event (0 if none): what comes after is new."""
    return ApplicationEvent.objects.filter(application_id=app_pk).aggregate(m=Max("pk"))["m"] or 0


def written(app_pk: int, after: int = 0, upto: int | None = None) -> list[Event]:
    """The events the services wrote for the application after event ``after``, in commit
    order, as a subscriber sees them: (kind, fromState, toState, at)."""
    events = ApplicationEvent.objects.filter(application_id=app_pk, pk__gt=after)
    if upto is not None:
        events = events.filter(pk__lte=upto)
    return [
        (e.kind.upper(), e.from_state.upper() or None, e.to_state.upper() or None, e.at)
        for e in events.order_by("pk")
    ]


def written_states(app_pk: int) -> list[str]:
    """The state each of the application's events describes, as written (upper case)."""
    states = ApplicationEvent.objects.filter(application_id=app_pk).order_by("pk")
    return [state.upper() for state in states.values_list("state", flat=True)]


def shown(updates: list[dict]) -> list[Event]:
    return [
        (
            u["event"]["kind"],
            u["event"]["fromState"],
            u["event"]["toState"],
            dt.datetime.fromisoformat(u["event"]["at"]),
        )
        for u in updates
    ]


def transitions(events: list[Event]) -> list[tuple[str | None, str | None]]:
    return [(src, dst) for kind, src, dst, _ in events if kind == "TRANSITION"]


def assert_timely(updates: list[dict], not_before: float) -> None:
    """Each update left the publisher after ``not_before`` and before it was read here, and in
    the order of the events (same machine, same clock)."""
    for update in updates:
        assert not_before <= update["sentAt"] <= update["receivedAt"], update
        assert update["receivedAt"] - update["sentAt"] < 5, update
    sent = [u["sentAt"] for u in updates]
    assert sent == sorted(sent), sent
    at = [u["event"]["at"] for u in updates]
    assert at == sorted(at), at


def draft(h: dict, *people) -> Application:
    """A draft application of the household, made through the service in this process."""
    return application_create(
        kind="renewal",
        actor=h["user"],
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(p.pk, 12) for p in people],
    )
