"""Webhooks as a sponsor's HR system gets them, end to end: the endpoint registered and the
renewal made through GraphQL, a real ``manage.py application_worker`` process (PostgreSQL)
running the checks, the reminders' sweep and the deliveries, and the suite's receiver
verifying every request with the ``standardwebhooks`` library."""

from __future__ import annotations

from collections import Counter

from strawberry.relay import to_base64

from core.applications.models import AgencyCheck, Application
from core.applications.states import State
from core.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.core.applications.workers.conftest import (  # noqa: F401 (fixtures)
    application_worker,
    wait_for,
)
from tests.payments.conftest import CLEAN
from tests.support.applications import give_profile
from tests.support.webhooks import webhook_receiver

REGISTER = """mutation($sponsor: ID!, $url: String!) {
  createWebhookEndpoint(sponsorId: $sponsor, url: $url, eventKinds: [APPLICATION_STATE_CHANGED,
    AGENCY_CHECK_SETTLED, PERMIT_EXPIRY_REMINDER]) { secret errors { code } } }"""
RENEW = """mutation($sponsor: ID!, $person: ID!) {
  createRenewal(sponsorId: $sponsor, people: [{personId: $person, months: 12}]) {
    application { id } errors { code } } }"""
SUBMIT = """mutation($id: ID!) { submitApplication(applicationId: $id) {
  application { state } errors { code } } }"""


def test_the_workers_deliver_a_renewals_events_and_a_reminder_signed(
    gql,
    household,
    application_worker,  # noqa: F811
):
    h = household
    give_profile(h["wife"], CLEAN)
    gql.login(h["user"])
    sponsor = to_base64("Sponsor", h["sponsor"].pk)
    with webhook_receiver() as receiver:
        made = gql(REGISTER, {"sponsor": sponsor, "url": receiver.url})["data"]
        receiver.secrets.append(made["createWebhookEndpoint"]["secret"])
        renewal = gql(RENEW, {"sponsor": sponsor, "person": to_base64("Person", h["wife"].pk)})
        app_id = renewal["data"]["createRenewal"]["application"]["id"]
        assert gql(SUBMIT, {"id": app_id})["data"]["submitApplication"]["errors"] == []

        worker = application_worker()
        app = Application.objects.get()
        wait_for(
            lambda: Application.objects.get().state == State.AWAITING_PAYMENT,
            timeout=60,
            what=f"the checks (worker log: {worker.log()[-2000:]})",
        )
        checks = AgencyCheck.objects.filter(item__application=app).count()
        moves = 4  # created, submitted, checking, awaiting payment
        got = receiver.wait_for(moves + checks + 1, timeout=60)

        assert all(r.verified for r in receiver.received), [r.error for r in receiver.received]
        kinds = Counter(r.payload["type"] for r in got)
        assert kinds == {
            "application.state_changed": moves,
            "application.check_settled": checks,
            "permit.expiry_reminder": 1,  # the maid's permit, 20 days from its end
        }
        reminder = next(r.payload for r in got if r.payload["type"] == "permit.expiry_reminder")
        assert reminder["data"]["permit"]["id"] == to_base64(
            "ResidencyPermit", h["permits"]["maid"].pk
        )
        assert len({r.headers["webhook-id"] for r in got}) == len(got)
        wait_for(
            lambda: not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(),
            timeout=10,
            what="every delivery recorded as delivered",
        )
