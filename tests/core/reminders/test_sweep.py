"""The reminders' sweep: one reminder per permit and expiry date, 30 days ahead, whatever the
sweeps, workers and restarts; a permit renewed to a new date gets its own later; announced
live after commit and owed as a webhook in the same transaction."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading

import pytest
from django.db import connections

from core.applications import periodic
from core.articles import Article, Relation
from core.events import permit_reminded
from core.reminders.models import PermitReminder
from core.reminders.sweep import reminders_send
from core.services.permits import permit_cancel, permit_renew
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import WebhookMessage
from core.webhooks.services import endpoint_register
from tests import factories
from tests.support.applications import create, submit


@pytest.fixture
def announced():
    heard = []

    def listen(sender, *, message, **_):
        heard.append(message)

    permit_reminded.connect(listen, dispatch_uid="tests.reminders")
    yield heard
    permit_reminded.disconnect(dispatch_uid="tests.reminders")


def workforce(*days_left: int):
    """A company with an HR user and one worker per expiry, in days from today."""
    employer, [hr] = factories.company("Gulf Works")
    permits = []
    for days in days_left:
        worker = factories.dependent(employer, Relation.EMPLOYEE, name_en="Worker")
        permits.append(factories.permit(worker, employer, Article.PRIVATE_SECTOR, days))
    return employer, hr, permits


@pytest.mark.django_db
def test_one_reminder_per_permit_and_expiry_date(announced, django_capture_on_commit_callbacks):
    employer, hr, (soon, last_day, _later, _expired, cancelled) = workforce(10, 30, 31, -1, 5)
    permit_cancel(actor=None, permit=cancelled, reason="left the country")
    endpoint_register(
        actor=hr,
        sponsor_id=employer.pk,
        url="http://127.0.0.1:9/hooks",
        event_kinds=[WebhookEventKind.PERMIT_EXPIRY_REMINDER],
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 2
    for _ in range(2):  # later sweeps, another worker, a restart: nothing new
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_send() == 0

    reminded = PermitReminder.objects.order_by("expires_on")
    assert [(r.permit_id, r.expires_on) for r in reminded] == [
        (soon.pk, soon.expires_on),
        (last_day.pk, last_day.expires_on),
    ]
    assert [(m.permit_id, m.days_left, m.sponsor_id) for m in announced] == [
        (soon.pk, 10, employer.pk),
        (last_day.pk, 30, employer.pk),
    ]
    bodies = [json.loads(m.body) for m in WebhookMessage.objects.order_by("id")]
    assert [b["type"] for b in bodies] == ["permit.expiry_reminder"] * 2
    first = bodies[0]["data"]
    assert base64.b64decode(first["permit"]["id"]).decode() == f"ResidencyPermit:{soon.pk}"
    assert first["permit"]["expiresOn"] == soon.expires_on.isoformat()
    assert first["permit"]["daysLeft"] == 10 and first["permit"]["article"] == 18
    assert first["holder"]["civilId"] == soon.holder.civil_id
    assert base64.b64decode(first["sponsorId"]).decode() == f"Sponsor:{employer.pk}"


@pytest.mark.django_db
def test_a_permit_renewed_to_a_new_date_is_reminded_again_in_its_time():
    _, _, (permit,) = workforce(12)
    assert reminders_send() == 1
    renewed = permit_renew(
        actor=None, permit=permit, expires_on=permit.expires_on + dt.timedelta(days=365)
    )
    assert reminders_send() == 0  # the new date is a year away
    assert reminders_send(today=renewed.expires_on - dt.timedelta(days=31)) == 0
    assert reminders_send(today=renewed.expires_on - dt.timedelta(days=30)) == 1
    assert sorted(PermitReminder.objects.values_list("expires_on", flat=True)) == [
        permit.expires_on,
        renewed.expires_on,
    ]


@pytest.mark.django_db
def test_a_permit_whose_renewal_is_under_way_is_left_alone(household):
    h = household
    maid = h["permits"]["maid"]  # 20 days left
    submit(h, h["maid"])
    create(h, h["wife"])  # a draft is not a renewal under way
    wife, child = h["permits"]["wife"], h["permits"]["child"]  # 45 days left
    assert reminders_send(today=wife.expires_on - dt.timedelta(days=25)) == 2
    reminded = set(PermitReminder.objects.values_list("permit_id", flat=True))
    assert reminded == {wife.pk, child.pk}
    assert maid.pk not in reminded


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_remind_each_permit_once():
    if connections["default"].vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    employer, hr, permits = workforce(*range(1, 29))
    endpoint_register(
        actor=hr,
        sponsor_id=employer.pk,
        url="http://127.0.0.1:9/hooks",
        event_kinds=[WebhookEventKind.PERMIT_EXPIRY_REMINDER],
    )
    start = threading.Barrier(2)
    sent: list[int] = []

    def sweep() -> None:
        try:
            start.wait(5)
            sent.append(reminders_send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(sent) == len(permits)
    assert PermitReminder.objects.count() == len(permits)
    assert WebhookMessage.objects.count() == len(permits)


def test_the_sweep_and_the_deliveries_run_in_the_workers_loop():
    names = {job.name for job in periodic.registered()}
    assert {"reminders.permits_expiring", "webhooks.deliver", "webhooks.prune"} <= names
