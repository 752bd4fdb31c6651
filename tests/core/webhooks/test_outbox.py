"""The outbox: an application's events are owed to its sponsor's endpoints in the same
transaction that records them, only the kinds each endpoint asked for, and only to that
sponsor; payloads carry ids and facts."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import transaction

from core.applications.kinds import PersonChoice
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.models import ApplicationEvent, Consent, ConsentParty
from core.applications.services import (
    application_cancel,
    application_create,
    application_submit,
    consent_decide,
)
from core.events import ApplicationEventKind
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import WebhookDelivery, WebhookMessage
from tests import factories
from tests.core.webhooks.conftest import register
from tests.payments.conftest import CLEAN
from tests.support.applications import create, give_profile, run_all, submit

pytestmark = pytest.mark.django_db


def bodies(sponsor) -> list[dict]:
    rows = WebhookMessage.objects.filter(sponsor=sponsor).order_by("id")
    return [json.loads(m.body) for m in rows]


def decoded(global_id: str) -> tuple[str, int]:
    type_name, pk = base64.b64decode(global_id).decode().split(":")
    return type_name, int(pk)


def test_a_renewal_owes_its_sponsor_every_move_and_every_settled_check(
    household, other_family, receiver
):
    h = household
    endpoint, _ = register(h, receiver)
    theirs, _ = register(other_family, receiver)
    give_profile(h["wife"], CLEAN)
    app = submit(h, h["wife"])
    run_all(app)

    sent = bodies(h["sponsor"])
    history = ApplicationEvent.objects.filter(application=app)
    moves = [
        (e.from_state.upper() or None, e.to_state.upper())
        for e in history.filter(kind=ApplicationEventKind.TRANSITION)
    ]
    assert moves == [
        (None, "DRAFT"),
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "CHECKING"),
        ("CHECKING", "AWAITING_PAYMENT"),
    ]
    changed = [b["data"] for b in sent if b["type"] == "application.state_changed"]
    assert [(d["fromState"], d["toState"]) for d in changed] == moves
    settled = [b["data"]["check"] for b in sent if b["type"] == "application.check_settled"]
    agencies = history.filter(kind=ApplicationEventKind.CHECK, detail__status="clear")
    assert sorted(c["agency"] for c in settled) == sorted(
        e.detail["agency"].upper() for e in agencies
    )
    assert {c["status"] for c in settled} == {"CLEAR"}

    check = settled[0]
    assert decoded(check["person"]["id"]) == ("Person", h["wife"].pk)
    assert check["person"]["civilId"] == h["wife"].civil_id
    assert set(check["person"]) == {"id", "civilId", "nameEn"}  # what every kind's item shows
    assert check["decidedByOfficer"] is False
    application = changed[-1]["application"]
    assert decoded(application["id"]) == ("RenewalApplication", app.pk)
    assert decoded(application["sponsorId"]) == ("Sponsor", h["sponsor"].pk)
    assert application["kind"] == "RENEWAL" and application["reference"].startswith("RN-")
    assert changed[-1]["application"]["state"] == "AWAITING_PAYMENT"

    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == len(sent)
    assert not WebhookDelivery.objects.filter(endpoint=theirs).exists()  # not theirs to hear


def test_only_the_kinds_asked_for_are_owed(household, receiver):
    endpoint, _ = register(household, receiver, kinds=[WebhookEventKind.APPLICATION_ISSUED])
    give_profile(household["wife"], CLEAN)
    run_all(submit(household, household["wife"]))
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_what_is_owed_commits_with_the_change_or_not_at_all(household, receiver):
    register(household, receiver)
    app = create(household, household["wife"])

    class Undone(Exception):
        pass

    created = WebhookMessage.objects.count()  # its creation, owed already
    with pytest.raises(Undone), transaction.atomic():
        application_cancel(actor=household["user"], application_id=app.pk)
        assert WebhookMessage.objects.count() == created + 1  # in the change's transaction
        raise Undone
    assert WebhookMessage.objects.count() == created

    application_cancel(actor=household["user"], application_id=app.pk)
    *_, cancelled = bodies(household["sponsor"])
    assert cancelled["data"]["toState"] == "CANCELLED"


def test_a_transfer_is_told_to_the_new_sponsor_only_and_names_the_person_as_it_does(receiver):
    home = factories.domestic_worker(years=2)
    give_profile(home["maid"], lambda p: CLEAN(p) and p.valid_work_permit)
    company, [hr] = factories.company("Gulf Hospitality")
    new, _ = register({"user": hr, "sponsor": company}, receiver)
    current, _ = register({"user": home["user"], "sponsor": home["household"]}, receiver)
    maid = home["maid"]
    choice = PersonChoice(
        civil_id=maid.civil_id,
        name_en=maid.name_en,
        passport_number=maid.passport_number,
        to_article=18,
        months=12,
    )
    app = application_create(actor=hr, kind=TRANSFER.name, sponsor_id=company.pk, people=[choice])
    application_submit(actor=hr, application_id=app.pk)
    for consent in Consent.objects.filter(item__application=app, decision="pending"):
        decider = home["user"] if consent.party == ConsentParty.CURRENT_SPONSOR else maid.user
        consent_decide(actor=decider, consent_id=consent.pk, give=True)
    run_all(app)

    settled = [b["data"] for b in bodies(company) if b["type"] == "application.check_settled"]
    assert len(settled) == 4
    assert {tuple(sorted(s["check"]["person"])) for s in settled} == {("civilId", "id", "nameEn")}
    assert not WebhookDelivery.objects.filter(endpoint=current).exists()
    assert WebhookDelivery.objects.filter(endpoint=new).count() == len(bodies(company))
