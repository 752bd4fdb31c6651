"""Permit reminders live, end to end: a daphne process on Redis, real websockets, the sweep run
here (as a worker would). Only who may see the sponsor's workers hears of them: a company's
staff, an individual sponsor; another sponsor is refused before it listens, and staff removed
from the company stop hearing at once."""

from __future__ import annotations

import os

import pytest
from strawberry.relay import to_base64

from core.articles import Article, Relation
from core.models import SponsorStaff
from core.reminders.sweep import reminders_send
from realtime.groups import sponsor_reminders_group
from tests import factories
from tests.support.application_events import token_for

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the in-memory channel layer cannot carry events between processes",
    ),
]

REMINDERS = """subscription($sponsor: ID) { permitReminders(sponsorId: $sponsor) {
  permitId holderId sponsorId article expiresOn daysLeft remindedAt sentAt
  permit { id expiresOn status holder { nameEn } } } }"""


def connected(ws_client, daphne, user):
    client = ws_client(daphne)
    client.init({"authorization": f"Bearer {token_for(user)}"})
    return client


def refused(message: dict, op_id: str, text: str) -> None:
    assert message.get("id") == op_id, message
    if message["type"] != "error":
        assert message["type"] == "next" and message["payload"].get("errors"), message
    assert text in str(message["payload"]), message


def test_reminders_reach_only_those_who_may_see_the_sponsors_workers(
    daphne, ws_client, channel_groups, household
):
    employer, [hr] = factories.company("Gulf Works")
    second_hr = factories.user()
    # A delegate who may see the workers (and connect a token), not renew or pay, hears them.
    SponsorStaff.objects.create(
        sponsor=employer, user=second_hr, view_workers=True, integrations=True
    )
    worker = factories.dependent(employer, Relation.EMPLOYEE, name_en="Due Soon")
    due = factories.permit(worker, employer, Article.PRIVATE_SECTOR, 12)
    other = factories.family(children=1)
    company_group = sponsor_reminders_group(employer.pk)

    intruder = connected(ws_client, daphne, other["user"])
    intruder.subscribe("theirs", REMINDERS, {"sponsor": to_base64("Sponsor", employer.pk)})
    refused(intruder.receive(), "theirs", "Not found")
    intruder.subscribe("mine", REMINDERS)  # their own sponsor's: allowed, and silent
    channel_groups.wait_for_members(sponsor_reminders_group(other["sponsor"].pk))
    anonymous = ws_client(daphne)
    anonymous.init({})
    anonymous.subscribe("mine", REMINDERS)
    refused(anonymous.receive(), "mine", "Sign in")
    assert channel_groups.members(company_group) == 0

    staff = connected(ws_client, daphne, hr)
    staff.subscribe("hr", REMINDERS, {"sponsor": to_base64("Sponsor", employer.pk)})
    colleague = connected(ws_client, daphne, second_hr)
    colleague.subscribe("hr", REMINDERS)
    family = connected(ws_client, daphne, household["user"])
    family.subscribe("own", REMINDERS)
    channel_groups.wait_for_members(company_group, 2)
    channel_groups.wait_for_members(sponsor_reminders_group(household["sponsor"].pk))

    assert reminders_send() == 2  # the company's worker, and the household's maid (20 days)
    for client in (staff, colleague):
        reminder = client.next_payload("hr")["data"]["permitReminders"]
        assert reminder["permitId"] == to_base64("ResidencyPermit", due.pk)
        assert reminder["sponsorId"] == to_base64("Sponsor", employer.pk)
        assert (reminder["article"], reminder["daysLeft"]) == (18, 12)
        assert reminder["expiresOn"] == due.expires_on.isoformat()
        assert reminder["permit"]["status"] == "EXPIRING"
        assert reminder["permit"]["holder"]["nameEn"] == "Due Soon"
    own = family.next_payload("own")["data"]["permitReminders"]
    assert own["permitId"] == to_base64("ResidencyPermit", household["permits"]["maid"].pk)
    assert reminders_send() == 0  # once

    # Staff removed from the company hear nothing more, on the websocket they still hold.
    SponsorStaff.objects.filter(sponsor=employer, user=hr).delete()
    newcomer = factories.dependent(employer, Relation.EMPLOYEE, name_en="Next One")
    later = factories.permit(newcomer, employer, Article.PRIVATE_SECTOR, 25)
    assert reminders_send() == 1
    reminder = colleague.next_payload("hr")["data"]["permitReminders"]
    assert reminder["permitId"] == to_base64("ResidencyPermit", later.pk)

    for client in (staff, intruder, family):
        late = client.drain(1.0)
        assert all(m["type"] == "complete" for m in late), late
    assert not [m for m in intruder.received if "ResidencyPermit" in str(m)]
