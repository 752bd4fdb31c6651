"""Transfers between articles: which pairs are open and what each needs is the law's data; the
parties consent before anyone is checked; issuing moves the permit, the file and what each
sponsor may see, at once, and the permit's history records it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import access
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import PersonChoice
from core.applications.kinds.periods import add_months
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.kinds.transfer import complete_years
from core.applications.models import AgencyCheck, Application, Consent, ConsentParty
from core.applications.selectors import consents_asked_of
from core.applications.services import application_create, application_submit, consent_decide
from core.applications.states import State
from core.documents.access import visible_documents
from core.documents.services import document_upload
from core.errors import DomainError, DomainErrors
from core.law.models import TransferTerm
from core.models import Dependent, PermitChange, PermitChangeKind, ResidencyPermit
from payments.gateways.dummy import DummyGateway
from payments.preview import application_preview
from payments.quotes import quote_issue
from payments.settle import payment_callback
from payments.start import payment_start
from tests import factories
from tests.support import documents as samples
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
WORKS = lambda p: CLEAN(p) and p.valid_work_permit  # noqa: E731


def named(person, to_article: int = 18, months: int | None = 12, **changes) -> PersonChoice:
    fields = {
        "civil_id": person.civil_id,
        "name_en": person.name_en.upper(),  # as typed off the card: case does not matter
        "passport_number": person.passport_number.lower(),
        "to_article": to_article,
        "months": months,
    }
    return PersonChoice(**{**fields, **changes})


def ask(sponsor, user, *choices: PersonChoice) -> Application:
    return application_create(
        actor=user, kind=TRANSFER.name, sponsor_id=sponsor.pk, people=list(choices)
    )


def errors_of(call) -> list[tuple[str, str | None]]:
    with pytest.raises((DomainError, DomainErrors)) as caught:
        call()
    errors = getattr(caught.value, "errors", [caught.value])
    return [(e.code, e.field) for e in errors]


@pytest.fixture
def moving():
    """A domestic worker two years with an expatriate household, and a company hiring her."""
    home = factories.domestic_worker(years=2)
    give_profile(home["maid"], WORKS)
    company, [hr] = factories.company("Gulf Hospitality")
    return {**home, "company": company, "hr": hr}


def consent_of(app: Application, party: str) -> Consent:
    return Consent.objects.get(item__application=app, party=party)


def test_a_domestic_worker_moves_to_a_company_with_everyones_consent(
    moving, settings, django_capture_on_commit_callbacks
):
    m = moving
    app = ask(m["company"], m["hr"], named(m["maid"]))
    item = app.items.get()
    assert (item.from_article, item.article, item.relation) == (20, 18, "employee")
    assert item.open_person_id is None  # a draft keeps nobody from being renewed

    application_submit(actor=m["hr"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == State.WAITING_FOR_CONSENT
    assert not AgencyCheck.objects.filter(item__application=app).exists()  # nobody checked yet
    decisions = dict(Consent.objects.filter(item__application=app).values_list("party", "decision"))
    assert decisions == {"current_sponsor": "pending", "new_sponsor": "given", "holder": "pending"}
    # The household sees what it is asked, the maid hers; the company nothing of theirs.
    assert list(consents_asked_of(m["user"])) == [consent_of(app, ConsentParty.CURRENT_SPONSOR)]
    assert list(consents_asked_of(m["maid"].user)) == [consent_of(app, ConsentParty.HOLDER)]

    household_consent = consent_of(app, ConsentParty.CURRENT_SPONSOR)
    consent_decide(actor=m["user"], consent_id=household_consent.pk, give=True)
    app.refresh_from_db()
    assert app.state == State.WAITING_FOR_CONSENT
    consent_decide(
        actor=m["maid"].user, consent_id=consent_of(app, ConsentParty.HOLDER).pk, give=True
    )
    app.refresh_from_db()
    assert app.state == State.CHECKING
    agencies = set(
        AgencyCheck.objects.filter(item__application=app).values_list("agency", flat=True)
    )
    assert agencies == {"health", "fines", "courts", "manpower"}  # the new employer's permit
    assert set(run_all(app)) == {"clear"}
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT

    lines = sorted((line.kind, line.amount) for line in quote_issue(app).lines.all())
    # Art. 18 residency KD 20 a year; KD 50 once and KD 10 for each of her two years
    assert lines == [
        ("residency_fee", Decimal("20.000")),
        ("transfer_fee", Decimal("20.000")),
        ("transfer_fee", Decimal("50.000")),
    ]

    settings.PAYMENTS = {**settings.PAYMENTS, "GATEWAY": "payments.gateways.dummy.DummyGateway"}
    DummyGateway.reset()
    started = payment_start(actor=m["hr"], application_id=app.pk, idempotency_key="transfer-01")
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(started.payment.track_id))
    DummyGateway.reset()
    app.refresh_from_db()
    assert app.state == State.ISSUED

    permit = ResidencyPermit.objects.get(pk=m["permit"].pk)
    today = timezone.localdate()
    assert (permit.sponsor_id, permit.article) == (m["company"].pk, 18)
    assert permit.expires_on == add_months(today, 12)
    change = PermitChange.objects.filter(permit=permit).latest("at")
    assert change.kind == PermitChangeKind.SPONSOR_TRANSFERRED
    assert change.expires_on_before == m["permit"].expires_on
    assert change.note == "Transferred from Art. 20 to Art. 18"
    # The file moved with her, and so did sight of her: at once.
    assert not Dependent.objects.filter(sponsor=m["household"], ended_on__isnull=True).exists()
    assert Dependent.objects.get(sponsor=m["company"], ended_on__isnull=True).relation == "employee"
    assert not access.visible_people(m["user"]).filter(pk=m["maid"].pk).exists()
    assert not access.visible_permits(m["user"]).filter(pk=permit.pk).exists()
    assert access.visible_people(m["hr"]).filter(pk=m["maid"].pk).exists()
    assert access.visible_permits(m["hr"]).filter(pk=permit.pk).exists()


def test_who_may_be_transferred_where_is_the_laws(moving):
    m = moving
    # Any detail wrong, or nobody at all: one answer.
    for wrong in (
        named(m["maid"], passport_number="X0000000"),
        named(m["maid"], name_en="Maria Cruz"),
        named(m["maid"], civil_id="290010100018"),
    ):
        assert errors_of(lambda w=wrong: ask(m["company"], m["hr"], w)) == [
            (ApplicationErrorCode.TRANSFER_PERSON_NOT_FOUND, "people.0")
        ]
    # Domestic work to family join is not an open transfer.
    assert errors_of(lambda: ask(m["company"], m["hr"], named(m["maid"], to_article=22))) == [
        (ApplicationErrorCode.TRANSFER_NOT_OPEN, "people.0.toArticle")
    ]
    # A household cannot take anyone on under Art. 18.
    other = factories.domestic_worker()
    assert errors_of(lambda: ask(other["household"], other["user"], named(m["maid"]))) == [
        (ApplicationErrorCode.TRANSFER_SPONSOR_NOT_ELIGIBLE, "people.0.toArticle")
    ]
    assert errors_of(lambda: ask(m["household"], m["user"], named(m["maid"], to_article=18))) == [
        (ApplicationErrorCode.TRANSFER_ALREADY_YOURS, "people.0")
    ]
    assert Application.objects.count() == 0  # nothing half-made


def test_a_year_with_the_household_first_as_the_decision_says(db):
    newcomer = factories.domestic_worker(years=0)
    company, [hr] = factories.company()
    assert errors_of(lambda: ask(company, hr, named(newcomer["maid"]))) == [
        (ApplicationErrorCode.TRANSFER_TOO_SOON, "people.0.personId")
    ]
    # The term is data: staff lower it (as the admin saves it), and the same request goes through.
    term = TransferTerm.objects.get(from_article=20, to_article=18)
    term.min_months_with_sponsor = 0
    term.save()
    assert ask(company, hr, named(newcomer["maid"])).items.count() == 1


def test_a_refusal_takes_the_person_off_and_frees_her(moving):
    m = moving
    app = ask(m["company"], m["hr"], named(m["maid"]))
    application_submit(actor=m["hr"], application_id=app.pk)
    assert app.items.get().open_person_id == m["maid"].pk  # submitted: hers alone
    refused = consent_of(app, ConsentParty.CURRENT_SPONSOR)
    consent_decide(actor=m["user"], consent_id=refused.pk, give=False, note="contract runs on")
    app.refresh_from_db()
    assert app.state == State.REJECTED
    assert app.items.get().open_person_id is None
    # Refusing again is the same answer; consenting now is refused.
    consent_decide(actor=m["user"], consent_id=refused.pk, give=False)
    assert errors_of(lambda: consent_decide(actor=m["user"], consent_id=refused.pk, give=True)) == [
        (ApplicationErrorCode.CONSENT_ALREADY_DECIDED, "consentId")
    ]
    # The household renews her as before.
    renewal = application_create(
        actor=m["user"],
        kind=RENEWAL.name,
        sponsor_id=m["household"].pk,
        people=[PersonChoice(m["maid"].pk, 12)],
    )
    assert renewal.items.count() == 1


def test_nobody_else_decides_a_consent(moving, other_family):
    m = moving
    app = ask(m["company"], m["hr"], named(m["maid"]))
    application_submit(actor=m["hr"], application_id=app.pk)
    current = consent_of(app, ConsentParty.CURRENT_SPONSOR)
    for stranger in (other_family["user"], m["hr"], m["maid"].user):
        assert errors_of(
            lambda s=stranger: consent_decide(actor=s, consent_id=current.pk, give=True)
        ) == [(ApplicationErrorCode.NOT_FOUND, "consentId")]
    assert consent_of(app, ConsentParty.CURRENT_SPONSOR).decision == "pending"


def test_a_draft_transfer_does_not_block_a_renewal_but_a_submitted_one_waits(moving):
    m = moving
    app = ask(m["company"], m["hr"], named(m["maid"]))
    renewal = application_create(
        actor=m["user"],
        kind=RENEWAL.name,
        sponsor_id=m["household"].pk,
        people=[PersonChoice(m["maid"].pk, 12)],
    )
    assert errors_of(lambda: application_submit(actor=m["hr"], application_id=app.pk)) == [
        (ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, "people")
    ]
    app.refresh_from_db()
    assert app.state == State.DRAFT and not Consent.objects.exists()  # nothing half-done
    assert renewal.items.get().open_person_id == m["maid"].pk


def test_a_temporary_resident_taken_on_by_a_household(db):
    temporary = factories.temporary_resident()
    give_profile(temporary["person"], CLEAN)
    home = factories.domestic_worker(kuwaiti_household=True)
    app = ask(home["household"], home["user"], named(temporary["person"], to_article=20))
    application_submit(actor=home["user"], application_id=app.pk)
    # Art. 14 has no sponsor to consent (the law's data); the person does.
    assert set(Consent.objects.values_list("party", flat=True)) == {"new_sponsor", "holder"}
    holder = consent_of(app, ConsentParty.HOLDER)
    consent_decide(actor=temporary["person"].user, consent_id=holder.pk, give=True)
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    kinds = {line.kind: line.amount for line in quote_issue(app).lines.all()}
    # Art. 20 of a Kuwaiti household, and no transfer fee for this pair.
    assert kinds == {"residency_fee": Decimal("10.000")}


def test_the_preview_of_a_transfer_writes_nothing(moving):
    m = moving
    with CaptureQueriesContext(connection) as queries:
        preview = application_preview(
            actor=m["hr"], kind=TRANSFER.name, sponsor_id=m["company"].pk, people=[named(m["maid"])]
        )
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    [person] = preview.people
    # Up to the article's five years, bounded here by her passport.
    assert person.eligible and person.durations.limited_by == "passport"
    assert sorted((line.kind, line.amount) for line in person.lines) == [
        ("health_insurance", Decimal("100.000")),
        ("residency_fee", Decimal("20.000")),
        ("transfer_fee", Decimal("20.000")),
        ("transfer_fee", Decimal("50.000")),
    ]
    # What the company must upload itself: nothing of her archive counts for it yet.
    assert {missing.kind for missing in person.missing} == {
        "personal_photo",
        "passport_copy",
        "work_permit",
        "commercial_licence",  # the new employer's own papers
        "authorised_signatory",
    }


def test_the_years_of_service_count_whole_years():
    today = dt.date(2026, 12, 6)
    assert complete_years(dt.date(2024, 12, 6), today) == 2
    assert complete_years(dt.date(2024, 12, 7), today) == 1


def _upload(user, person, kind: str, content: bytes) -> None:
    document_upload(
        actor=user,
        owner_id=person.pk,
        kind=kind,
        file=SimpleUploadedFile(f"{kind}.pdf", content),
        expires_on=person.passport_expiry,
    )


def test_papers_follow_the_request_then_the_file(moving):
    """The company uploads her papers once it has asked (not before); it never sees what the
    household archived; after the transfer the household no longer sees what is added."""
    m = moving
    _upload(m["user"], m["maid"], "passport_copy", samples.pdf())  # the household's, earlier
    app = ask(m["company"], m["hr"], named(m["maid"]))
    with pytest.raises(DomainError):  # a draft names her, it does not open her archive
        _upload(m["hr"], m["maid"], "passport_copy", samples.pdf())
    application_submit(actor=m["hr"], application_id=app.pk)
    _upload(m["hr"], m["maid"], "passport_copy", samples.pdf())
    assert visible_documents(m["hr"]).filter(owner=m["maid"]).count() == 1  # its own only

    for consent in Consent.objects.filter(decision="pending"):
        decider = m["user"] if consent.party == ConsentParty.CURRENT_SPONSOR else m["maid"].user
        consent_decide(actor=decider, consent_id=consent.pk, give=True)
    TRANSFER.issue(app.items.get(), timezone.localdate())
    _upload(m["hr"], m["maid"], "passport_copy", samples.pdf())
    assert visible_documents(m["hr"]).filter(owner=m["maid"]).count() == 2
    assert visible_documents(m["user"]).filter(owner=m["maid"]).count() == 0
