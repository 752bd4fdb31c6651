"""Family visits: who may invite whom is the law's data; the visitor has no civil ID; the
checks run on the host; the visit is charged per month; issuing gives a visit permit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import access
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import PersonChoice, VisitorDetails
from core.applications.kinds.periods import add_months
from core.applications.kinds.visit import KIND as VISIT
from core.applications.models import AgencyCheck, Application
from core.applications.services import application_create, application_submit
from core.applications.states import State
from core.documents.access import visible_documents
from core.documents.services import document_upload
from core.errors import DomainError, DomainErrors
from core.models import Person
from core.visits.models import VisitPermit
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


def mother(**changes) -> VisitorDetails:
    fields = {
        "passport_number": "z1234567",
        "nationality": "egy",
        "name_en": "Fatma  Hassan",
        "name_ar": "فاطمة حسن",
        "date_of_birth": dt.date(1958, 4, 2),
        "sex": "F",
        "passport_expiry": timezone.localdate() + dt.timedelta(days=900),
    }
    return VisitorDetails(**{**fields, **changes})


def invite(h, *visitors: tuple[VisitorDetails, str, int | None], user=None) -> Application:
    return application_create(
        actor=user or h["user"],
        kind=VISIT.name,
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(visitor=v, relation=r, months=m) for v, r, m in visitors],
    )


def errors_of(call) -> list[tuple[str, str]]:
    with pytest.raises((DomainError, DomainErrors)) as caught:
        call()
    exc = caught.value
    found = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [(str(e.code), e.field) for e in found]


def test_a_host_invites_his_mother_and_the_checks_run_on_him(household):
    h = household
    give_profile(h["head"], CLEAN)
    app = invite(h, (mother(), "parent", 3))
    [item] = app.items.select_related("person")
    visitor = item.person
    assert visitor.civil_id is None and visitor.is_visitor
    # Stored as on the passport, normalized: capitals, single spaces.
    assert (visitor.passport_number, visitor.nationality, visitor.name_en) == (
        "Z1234567",
        "EGY",
        "Fatma Hassan",
    )
    assert (item.relation, item.article, item.permit_id) == ("parent", None, None)
    application_submit(actor=h["user"], application_id=app.pk)
    assert sorted(AgencyCheck.objects.values_list("agency", flat=True)) == ["courts", "fines"]
    assert sorted(run_all(app)) == ["clear", "clear"]
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    [line] = quote_issue(app).lines.all()
    assert (line.kind, line.amount, line.rate_per) == ("visit_fee", Decimal("30.000"), "month")


def test_who_may_be_invited_and_for_how_long_is_the_laws(household):
    h = household
    assert errors_of(lambda: invite(h, (mother(), "employee", 3))) == [
        (ApplicationErrorCode.VISIT_RELATION_NOT_ALLOWED, "people.0.relation")
    ]
    assert errors_of(lambda: invite(h, (mother(), "parent", 4))) == [
        (ApplicationErrorCode.VISIT_TOO_LONG, "people.0.months")
    ]
    assert errors_of(lambda: invite(h, (None, "parent", 3))) == [
        (ApplicationErrorCode.VISITOR_REQUIRED, "people.0")
    ]


def test_inviting_a_parent_needs_a_higher_salary_than_a_spouse(household):
    h = household
    h["sponsor"].monthly_salary = Decimal("600.000")
    h["sponsor"].save()
    [(code, _)] = errors_of(lambda: invite(h, (mother(), "parent", 3)))
    assert code == ApplicationErrorCode.VISIT_SALARY_BELOW_THRESHOLD
    wife = mother(passport_number="A7654321", name_en="Sara Ali", name_ar="سارة علي")
    assert invite(h, (wife, "spouse", 3)).items.count() == 1


def test_a_host_whose_residency_does_not_allow_it_cannot_invite():
    # A wife on her husband's file (Art. 22) may not invite family herself.
    family = factories.family(children=0)
    wife = family["wife"]
    her_file = factories.individual_sponsor(wife)
    h = {"user": wife.user, "sponsor": her_file}
    [(code, _)] = errors_of(lambda: invite(h, (mother(), "parent", 3)))
    assert code == ApplicationErrorCode.HOST_NOT_ELIGIBLE


def test_bad_passport_details_are_typed_per_field(household):
    h = household
    bad = mother(name_ar="Fatma", passport_expiry=timezone.localdate() - dt.timedelta(days=1))
    found = errors_of(lambda: invite(h, (bad, "parent", 3)))
    assert found == [
        (ApplicationErrorCode.INVALID_VISITOR, "people.0.visitor.nameAr"),
        (ApplicationErrorCode.INVALID_VISITOR, "people.0.visitor.passportExpiry"),
    ]
    assert not Person.objects.filter(civil_id__isnull=True).exists()  # nothing written


def test_a_visitor_on_record_is_used_only_with_every_detail(household):
    h = household
    give_profile(h["head"], CLEAN)
    first = invite(h, (mother(), "parent", 3))
    first.state = State.CANCELLED
    first.save()
    first.items.update(open_person=None, state=State.CANCELLED)
    visitor = first.items.get().person
    # Another host who knows only the passport number learns nothing, and gets no record.
    other = factories.household()
    assert errors_of(lambda: invite(other, (mother(name_en="Fatima Hasan"), "parent", 3))) == [
        (ApplicationErrorCode.VISITOR_DETAILS_DIFFER, "people.0.visitor")
    ]
    # With every detail, the same person (her passport is no one's secret, her record is).
    again = invite(other, (mother(), "parent", 2))
    assert again.items.get().person_id == visitor.pk
    assert Person.objects.filter(civil_id__isnull=True).count() == 1


def test_the_other_host_does_not_see_documents_the_first_host_archived(household):
    h = household
    app = invite(h, (mother(), "parent", 3))
    visitor = app.items.get().person
    document_upload(
        actor=h["user"],
        owner_id=visitor.pk,
        kind="passport_copy",
        file=SimpleUploadedFile("passport.pdf", samples.pdf()),
        expires_on=visitor.passport_expiry,
    )
    assert visible_documents(h["user"]).filter(owner=visitor).count() == 1
    app.items.update(open_person=None, state=State.CANCELLED)
    Application.objects.filter(pk=app.pk).update(state=State.CANCELLED)
    other = factories.household()
    invite(other, (mother(), "parent", 2))
    assert visible_documents(other["user"]).filter(owner=visitor).count() == 0
    assert access.visible_people(other["user"]).filter(pk=visitor.pk).exists()


def test_a_stranger_does_not_see_the_visitor(household, other_family):
    app = invite(household, (mother(), "parent", 3))
    visitor = app.items.get().person
    assert access.visible_people(household["user"]).filter(pk=visitor.pk).exists()
    assert not access.visible_people(other_family["user"]).filter(pk=visitor.pk).exists()


def test_the_hosts_fines_are_charged_once_for_two_visitors(household):
    h = household
    give_profile(h["head"], lambda p: p.has_traffic_fines and not p.court_records)
    father = mother(passport_number="B1112223", name_en="Ali Hassan", name_ar="علي حسن", sex="M")
    app = invite(h, (mother(), "parent", 3), (father, "parent", 3))
    application_submit(actor=h["user"], application_id=app.pk)
    run_all(app)
    app.refresh_from_db()
    lines = list(quote_issue(app).lines.values_list("kind", flat=True))
    assert sorted(lines) == ["fines", "visit_fee", "visit_fee"]


def test_the_preview_of_a_visit_writes_no_visitor(household):
    h = household
    preview = application_preview(
        actor=h["user"],
        kind=VISIT.name,
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(visitor=mother(), relation="parent")],
    )
    [person] = preview.people
    assert person.eligible and person.months == 3
    assert person.durations.max_months == 3
    assert {m.kind for m in person.missing} >= {"return_ticket", "travel_insurance"}
    assert [line.amount for line in person.lines] == [Decimal("30.000")]
    assert not Person.objects.filter(civil_id__isnull=True).exists()


def test_paying_issues_the_visit_permit(household, settings, django_capture_on_commit_callbacks):
    settings.PAYMENTS = {**settings.PAYMENTS, "GATEWAY": "payments.gateways.dummy.DummyGateway"}
    DummyGateway.reset()
    h = household
    give_profile(h["head"], CLEAN)
    app = invite(h, (mother(), "parent", 3))
    application_submit(actor=h["user"], application_id=app.pk)
    run_all(app)
    started = payment_start(actor=h["user"], application_id=app.pk, idempotency_key="visit-0001")
    with django_capture_on_commit_callbacks(execute=True):
        payment_callback(DummyGateway.approve(started.payment.track_id))
    app.refresh_from_db()
    assert app.state == State.ISSUED
    permit = VisitPermit.objects.get()
    today = timezone.localdate()
    assert (permit.valid_from, permit.valid_until) == (today, add_months(today, 3))
    assert permit.host_id == h["sponsor"].pk and permit.relation == "parent"
    assert permit.number == f"VP-{today:%Y}-{permit.pk:06d}" and len(permit.verification_code) == 16
    DummyGateway.reset()
