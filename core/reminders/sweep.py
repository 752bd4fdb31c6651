"""The reminders' sweep: a periodic job of the application workers (every
``PERMIT_REMINDER_SWEEP_SECONDS``, one worker at a time, ``core.applications.periodic``).

A permit that is not cancelled and expires within ``PERMIT_REMINDER_DAYS`` (and not before
today) is reminded once for that expiry date: a ``PermitReminder`` row (unique per permit and
date: a second sweep, another worker or a restart finds it there and sends nothing), in the
same transaction a webhook owed to the sponsor's endpoints that asked for reminders
(``core.webhooks``), and after commit the event the sponsor's staff watch live
(``core.events.permit_reminded``, fanned out by ``realtime``). A permit already in an
application under way (submitted, not yet closed) is left alone: its renewal is happening. A
permit renewed to a new date is reminded again when that date comes near.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from core.applications.models import ApplicationItem
from core.applications.states import GONE_ITEM_STATES, OPEN_STATES, State
from core.clock import residency_today
from core.events import PermitReminderMessage, announce_after_commit, permit_reminded
from core.models import ResidencyPermit
from core.reminders.models import PermitReminder
from core.webhooks import payloads
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.outbox import webhook_publish

BATCH = 500
RUN_SECONDS = 60.0  # a run stops taking batches after this; the next run goes on
UNDER_WAY = OPEN_STATES - {State.DRAFT}


def sweep_interval() -> float:
    return float(settings.PERMIT_REMINDER_SWEEP_SECONDS)


def reminder_days() -> int:
    return int(settings.PERMIT_REMINDER_DAYS)


def permits_due(today: dt.date) -> QuerySet[ResidencyPermit]:
    """Permits to remind now: expiring within the days, not reminded of this date, not in an
    application under way."""
    reminded = PermitReminder.objects.filter(
        permit=OuterRef("pk"), expires_on=OuterRef("expires_on")
    )
    renewing = ApplicationItem.objects.filter(
        permit=OuterRef("pk"), application__state__in=UNDER_WAY
    ).exclude(state__in=GONE_ITEM_STATES)
    return ResidencyPermit.objects.filter(
        cancelled_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=reminder_days()),
    ).filter(~Exists(reminded), ~Exists(renewing))


def permit_remind(permit_id: int, expires_on: dt.date, today: dt.date) -> PermitReminder | None:
    """Remind the permit's sponsor of this expiry date, unless it was already (None)."""
    with transaction.atomic():
        permit = (
            ResidencyPermit.objects.select_related("holder")
            .filter(pk=permit_id, expires_on=expires_on, cancelled_at__isnull=True)
            .first()
        )
        if permit is None:
            return None  # renewed or cancelled since it was found
        try:
            with transaction.atomic():
                reminder = PermitReminder.objects.create(
                    permit=permit, expires_on=expires_on, sponsor_id=permit.sponsor_id
                )
        except IntegrityError:
            return None  # reminded already, by another sweep
        days_left = (expires_on - today).days
        webhook_publish(
            sponsor_id=permit.sponsor_id,
            kind=WebhookEventKind.PERMIT_EXPIRY_REMINDER,
            data=lambda: {
                "permit": {**payloads.permit_data(permit), "daysLeft": days_left},
                "holder": payloads.person_data(permit.holder),
                "sponsorId": payloads.node_id("Sponsor", permit.sponsor_id),
                "at": reminder.sent_at.isoformat(),
            },
        )
        announce_after_commit(
            permit_reminded,
            PermitReminderMessage(
                reminder_id=reminder.pk,
                permit_id=permit.pk,
                holder_id=permit.holder_id,
                sponsor_id=permit.sponsor_id,
                article=permit.article,
                expires_on=expires_on.isoformat(),
                days_left=days_left,
                at=reminder.sent_at.isoformat(),
            ),
        )
        return reminder


def reminders_send(*, today: dt.date | None = None, run_seconds: float = RUN_SECONDS) -> int:
    """One sweep: how many reminders went out."""
    today = today or residency_today()
    deadline = time.monotonic() + run_seconds
    sent = 0
    skipped: set[int] = set()
    while time.monotonic() < deadline:
        due = list(
            permits_due(today)
            .exclude(pk__in=skipped)
            .order_by("expires_on", "pk")
            .values_list("pk", "expires_on")[:BATCH]
        )
        if not due:
            break
        for permit_id, expires_on in due:
            if permit_remind(permit_id, expires_on, today) is None:
                skipped.add(permit_id)
            else:
                sent += 1
    return sent


def reminders_sweep_job() -> str:
    sent = reminders_send()
    return f"sent {sent} permit reminders" if sent else ""
