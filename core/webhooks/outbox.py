"""The webhook outbox: events written in the same transaction as the change they describe.

``webhook_publish`` is called inside the writer's transaction (payments' capture, the
reminders' sweep) or, for the applications' events, by the ``application_recorded`` signal,
which ``record_event`` sends inside its transaction. It writes one ``WebhookMessage`` and one
``WebhookDelivery`` per endpoint of the sponsor that asked for the kind, so the change and
what is owed about it commit together or not at all; the workers deliver them
(``core.webhooks.delivery``). Events written together cost one query for all their sponsors'
endpoints, whatever their number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.applications.models import Application, CheckStatus
from core.applications.states import State
from core.events import ApplicationEventKind, ApplicationMessage, application_recorded
from core.models import Person
from core.webhooks import payloads
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

SETTLED = frozenset({CheckStatus.CLEAR, CheckStatus.REVIEW, CheckStatus.BLOCKED})


Endpoints = list[tuple[int, list[str]]]  # (pk, the kinds it asked for)


def enabled_endpoints(sponsor_id: int) -> Endpoints:
    return enabled_endpoints_of({sponsor_id}).get(sponsor_id, [])


def enabled_endpoints_of(sponsor_ids: set[int]) -> dict[int, Endpoints]:
    """The enabled endpoints of these sponsors, by sponsor: one query."""
    found: dict[int, Endpoints] = {}
    rows = WebhookEndpoint.objects.filter(sponsor_id__in=sponsor_ids, enabled=True)
    for sponsor_id, pk, kinds in rows.values_list("sponsor_id", "pk", "event_kinds"):
        found.setdefault(sponsor_id, []).append((pk, kinds))
    return found


def webhook_publish(
    *,
    sponsor_id: int,
    kind: WebhookEventKind,
    data: Callable[[], dict[str, Any]],
    endpoints: Endpoints | None = None,
) -> WebhookMessage | None:
    """Owe the sponsor's endpoints that asked for ``kind`` this event; ``data`` is built only
    when one did. Call inside the transaction that makes the change."""
    if endpoints is None:
        endpoints = enabled_endpoints(sponsor_id)
    endpoint_ids = [pk for pk, kinds in endpoints if kind in kinds]
    if not endpoint_ids:
        return None
    now = timezone.now()
    body = json.dumps(
        {"type": str(kind), "timestamp": now.isoformat(), "data": data()},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    with transaction.atomic(savepoint=False):
        message = WebhookMessage.objects.create(
            sponsor_id=sponsor_id, kind=kind, body=body, created_at=now
        )
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(message=message, endpoint_id=pk, next_attempt_at=now)
                for pk in endpoint_ids
            ]
        )
    return message


Build = Callable[[Application], dict[str, Any]]


def _webhooks_of(message: ApplicationMessage) -> list[tuple[WebhookEventKind, Build]]:
    """What an application's event is to webhooks: every transition (and an issuing), and
    every check that settled (an agency's answer, or an officer's review)."""
    if message.kind == ApplicationEventKind.TRANSITION:
        made: list[tuple[WebhookEventKind, Build]] = [
            (
                WebhookEventKind.APPLICATION_STATE_CHANGED,
                lambda app: payloads.state_changed(app, message),
            )
        ]
        if message.to_state == State.ISSUED:
            made.append(
                (WebhookEventKind.APPLICATION_ISSUED, lambda app: payloads.issued(app, message))
            )
        return made
    if (
        message.kind in (ApplicationEventKind.CHECK, ApplicationEventKind.REVIEW)
        and message.detail.get("status") in SETTLED
    ):
        return [
            (
                WebhookEventKind.AGENCY_CHECK_SETTLED,
                lambda app: payloads.check_settled(
                    app, message, Person.objects.get(pk=message.detail["person_id"])
                ),
            )
        ]
    return []


def _on_application_recorded(sender: Any, *, messages: list[ApplicationMessage], **_: Any) -> None:
    """The events written together: one query for their sponsors' endpoints, and the
    applications read only for what some endpoint asked for."""
    owed = [(message, made) for message in messages if (made := _webhooks_of(message))]
    if not owed:
        return
    endpoints = enabled_endpoints_of({message.sponsor_id for message, _ in owed})
    wanted = [
        (message, made, endpoints[message.sponsor_id])
        for message, made in owed
        if any(
            kind in kinds for kind, _ in made for _, kinds in endpoints.get(message.sponsor_id, [])
        )
    ]
    if not wanted:
        return
    applications = Application.objects.in_bulk({message.application_id for message, *_ in wanted})
    for message, made, theirs in wanted:
        application = applications[message.application_id]
        for kind, build in made:
            webhook_publish(
                sponsor_id=message.sponsor_id,
                kind=kind,
                data=lambda build=build, application=application: build(application),
                endpoints=theirs,
            )


def connect() -> None:
    application_recorded.connect(_on_application_recorded, dispatch_uid="webhooks.outbox")
