"""The audit log: every service acting for a sponsor records who acted (the user, and the token
if any) in the same transaction as the act; the log cannot be changed or deleted."""

from __future__ import annotations

import pytest

from core import access
from core.applications.kinds import PersonChoice
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.models import Consent, ConsentParty
from core.applications.services import (
    application_cancel,
    application_create,
    application_submit,
    consent_decide,
)
from core.errors import DomainError
from core.models import AuditAction, AuditEntry, Dependent
from core.services.accounts import api_token_authenticate
from core.services.people import PersonData, dependent_add
from tests import factories
from tests.support.applications import give_profile
from tests.support.staff import delegate, token

pytestmark = pytest.mark.django_db


def data_of(person) -> PersonData:
    return PersonData(
        civil_id=person.civil_id,
        name_ar=person.name_ar,
        name_en=person.name_en,
        nationality=person.nationality,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        passport_number=person.passport_number,
        passport_expiry=person.passport_expiry,
    )


def test_the_log_cannot_be_changed_or_deleted(db):
    company, (owner,) = factories.company()
    entry = AuditEntry.objects.create(
        sponsor=company, action=AuditAction.DEPENDENT_ADDED, actor=owner, actor_name="hr.one"
    )
    entry.detail = {"changed": True}
    for attempt in (
        entry.save,
        entry.delete,
        lambda: AuditEntry.objects.update(detail={}),
        lambda: AuditEntry.objects.all().delete(),
    ):
        with pytest.raises(TypeError, match="append-only"):
            attempt()
    owner.delete()  # deleting a user keeps what they did, under the name they had
    kept = AuditEntry.objects.get()
    assert (kept.actor, kept.actor_name, kept.detail) == (None, "hr.one", {})


def test_acting_through_a_token_records_the_user_and_the_token(db):
    works = factories.employed_worker()
    issued, raw = token(works["staff"], works["employer"], ["view_workers", "renew"])
    system = api_token_authenticate(raw)
    newcomer = factories.person(name_en="New Hire")
    dependent_add(
        actor=system, sponsor=works["employer"], person=data_of(newcomer), relation="employee"
    )
    entry = AuditEntry.objects.get(action=AuditAction.DEPENDENT_ADDED)
    assert (entry.sponsor, entry.actor, entry.token, entry.token_prefix) == (
        works["employer"],
        works["staff"],
        issued,
        issued.prefix,
    )
    assert entry.detail == {"civil_id": newcomer.civil_id, "relation": "employee"}
    assert entry.target_type == "Dependent"


def test_a_refused_act_leaves_no_entry(db):
    works = factories.employed_worker()
    viewer = factories.user()
    delegate(works["employer"], viewer, ["view_workers"], by=works["staff"])
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError):
        application_create(
            actor=viewer,
            kind="renewal",
            sponsor_id=works["employer"].pk,
            people=[PersonChoice(works["worker"].pk, 12)],
        )
    assert AuditEntry.objects.count() == before
    assert access.may(viewer, works["employer"], "view_workers")


def test_applications_and_consents_are_recorded_for_their_sponsors(db):
    home = factories.domestic_worker(years=2)
    give_profile(home["maid"], lambda p: p.fully_insured and not p.fines and p.valid_work_permit)
    company, [hr] = factories.company("Gulf Hospitality")
    app = application_create(
        actor=hr,
        kind=TRANSFER.name,
        sponsor_id=company.pk,
        people=[
            PersonChoice(
                civil_id=home["maid"].civil_id,
                name_en=home["maid"].name_en,
                passport_number=home["maid"].passport_number,
                to_article=18,
                months=12,
            )
        ],
    )
    application_submit(actor=hr, application_id=app.pk)
    asked = Consent.objects.get(item__application=app, party=ConsentParty.CURRENT_SPONSOR)
    consent_decide(actor=home["user"], consent_id=asked.pk, give=False, note="not yet")
    assert list(
        AuditEntry.objects.filter(sponsor=company).order_by("id").values_list("action", "actor")
    ) == [
        (AuditAction.APPLICATION_CREATED, hr.pk),
        (AuditAction.APPLICATION_SUBMITTED, hr.pk),
    ]
    decided = AuditEntry.objects.get(sponsor=home["household"])
    assert (decided.action, decided.actor) == (AuditAction.CONSENT_DECIDED, home["user"])
    assert decided.detail["decision"] == "refused"

    renewal = application_create(
        actor=home["user"],
        kind="renewal",
        sponsor_id=home["household"].pk,
        people=[PersonChoice(home["maid"].pk, 12)],
    )
    application_cancel(actor=home["user"], application_id=renewal.pk)
    assert list(
        AuditEntry.objects.filter(sponsor=home["household"], target_id=str(renewal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [AuditAction.APPLICATION_CREATED, AuditAction.APPLICATION_CANCELLED]
    assert Dependent.objects.filter(person=home["maid"], ended_on__isnull=True).exists()
