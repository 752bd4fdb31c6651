"""Agency checks run against the simulator: what each answer does to the application."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.agencies.base import CourtRecordKind as K
from core.agencies.simulator import profile_for
from core.applications.checks import check_run, checks_requeue_stalled
from core.applications.models import AgencyCheck, CheckStatus
from core.applications.states import State
from core.law.models import CourtEffect, CourtFinding, SourceKind
from tests.support.applications import give_profile, run_all, submit

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
CLEAN_BUT_COURTS = lambda p: p.fully_insured and not p.fines  # noqa: E731


def test_all_clear_awaits_payment_with_only_the_residency_fee_due(household):
    h = household
    give_profile(h["wife"], CLEAN)
    app = submit(h, h["wife"])
    assert run_all(app) == ["clear", "clear", "clear"]
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert app.amount_due == Decimal("20.000")  # Art. 22 spouse, fee schedule (payments)
    kinds = [e.kind for e in app.history.all()]
    assert kinds.count("check") == 6  # running and finished, per agency


def test_fines_and_missing_insurance_are_due_with_the_renewal(household):
    h = household
    give_profile(h["wife"], lambda p: p.uninsured and p.has_fines and not p.court_records)
    app = submit(h, h["wife"])
    run_all(app)
    app.refresh_from_db()
    profile = profile_for(h["wife"].civil_id)
    assert app.state == State.AWAITING_PAYMENT
    # 12 months of cover, and the Art. 22 residency fee
    assert app.amount_due == profile.fines_total + Decimal("100.000") + Decimal("20.000")
    # The check reports facts; the price of the cover is the schedule's (payments.pricing).
    health = AgencyCheck.objects.get(agency="health")
    assert health.amount == 0 and health.facts["insured_until"] is None
    assert "Not insured" in health.detail_en and "غير مؤمن" in health.detail_ar
    fines = AgencyCheck.objects.get(agency="fines")
    assert fines.amount == profile.fines_total
    quote = app.quotes.get()
    assert sorted((line.kind, line.amount) for line in quote.lines.all()) == sorted(
        [
            ("fines", profile.fines_total),
            ("health_insurance", Decimal("100.000")),
            ("residency_fee", Decimal("20.000")),
        ]
    )


def test_a_deportation_order_rejects_that_person_only(household):
    h = household
    give_profile(h["wife"], lambda p: p.has_deportation_order)
    give_profile(h["maid"], CLEAN)
    app = submit(h, h["wife"], h["maid"])
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    states = dict(app.items.values_list("person__name_en", "state"))
    assert states == {"Mona Hassan": State.REJECTED, "Ana Reyes": State.AWAITING_PAYMENT}


def test_everyone_blocked_rejects_the_application(household):
    h = household
    give_profile(h["wife"], lambda p: p.has_deportation_order)
    app = submit(h, h["wife"])
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.REJECTED
    # the person is free for a new application
    assert not app.items.filter(open_person__isnull=False).exists()


def test_court_findings_wait_for_an_officer(household):
    h = household
    give_profile(h["wife"], lambda p: p.court_records_only(K.JUDGMENT) and p.fully_insured)
    app = submit(h, h["wife"])
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.CHECKING
    assert AgencyCheck.objects.get(agency="courts").status == CheckStatus.REVIEW


@pytest.mark.parametrize("record", [K.TRAVEL_BAN, K.ENFORCEMENT_ORDER])
def test_a_travel_ban_or_an_enforcement_goes_to_an_officer_not_a_rejection(household, record):
    """The law's data: a travel ban stops leaving, not residing (the earlier rules blocked)."""
    h = household
    give_profile(h["wife"], lambda p: p.court_records_only(record) and p.fully_insured)
    app = submit(h, h["wife"])
    run_all(app)
    check = AgencyCheck.objects.get(agency="courts")
    assert check.status == CheckStatus.REVIEW
    assert "officer" in check.detail_en and check.detail_ar
    app.refresh_from_db()
    assert app.state == State.CHECKING


def test_an_open_case_alone_does_not_stop_a_renewal(household):
    h = household
    give_profile(h["wife"], lambda p: p.court_records_only(K.OPEN_CASE) and CLEAN_BUT_COURTS(p))
    app = submit(h, h["wife"])
    run_all(app)
    check = AgencyCheck.objects.get(agency="courts")
    assert check.status == CheckStatus.CLEAR and "has not ruled" in check.detail_en
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT


def test_what_a_court_finding_does_is_edited_as_data(household):
    """Staff make open cases a matter for review from today: the next check follows."""
    h = household
    CourtFinding.objects.filter(record_kind=K.OPEN_CASE).update(
        effective_until=timezone.localdate()
    )
    CourtFinding.objects.create(
        record_kind=K.OPEN_CASE,
        effect=CourtEffect.REVIEW,
        explanation_en="Open cases are reviewed.",
        explanation_ar="تراجع القضايا المنظورة.",
        legal_basis="Administrative decision (test)",
        source_kind=SourceKind.DECISION,
        effective_from=timezone.localdate(),
    )
    give_profile(h["wife"], lambda p: p.court_records_only(K.OPEN_CASE) and CLEAN_BUT_COURTS(p))
    app = submit(h, h["wife"])
    run_all(app)
    assert AgencyCheck.objects.get(agency="courts").detail_en == "Open cases are reviewed."


def test_an_outage_leaves_the_check_retrying_never_failing(household, settings):
    h = household
    give_profile(h["wife"], CLEAN)
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": ["health"]}
    app = submit(h, h["wife"])
    assert sorted(run_all(app)) == ["clear", "clear", "retrying"]
    health = AgencyCheck.objects.get(agency="health")
    assert health.status == CheckStatus.RETRYING
    assert health.next_attempt_at > timezone.now()
    assert check_run(check_id=health.pk) == "skipped"  # not due yet
    app.refresh_from_db()
    assert app.state == State.CHECKING

    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": []}
    AgencyCheck.objects.filter(pk=health.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert checks_requeue_stalled() == 0  # due again: claimed from its row, nothing to hand back
    assert check_run(check_id=health.pk) == "clear"
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT


def test_a_check_whose_worker_died_is_taken_over(household):
    h = household
    give_profile(h["wife"], CLEAN)
    app = submit(h, h["wife"])
    check = AgencyCheck.objects.filter(item__application=app).first()
    AgencyCheck.objects.filter(pk=check.pk).update(
        status=CheckStatus.RUNNING,
        attempts=1,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    assert checks_requeue_stalled() >= 1
    assert check_run(check_id=check.pk) == "clear"
    check.refresh_from_db()
    assert check.attempts == 2


def test_the_itemised_amount_due_over_graphql(gql, household, django_assert_max_num_queries):
    from strawberry.relay import to_base64

    h = household
    give_profile(h["wife"], lambda p: p.uninsured and p.has_fines and not p.court_records)
    give_profile(h["maid"], CLEAN)
    app = submit(h, h["wife"], h["maid"])
    run_all(app)
    gql.login(h["user"])
    query = """query($id: ID!) { node(id: $id) { ... on RenewalApplication {
        state amountDue amountLines { person { nameEn } kind amount } } } }"""
    with django_assert_max_num_queries(12):
        result = gql(query, {"id": to_base64("RenewalApplication", app.pk)})["data"]["node"]
    fines = profile_for(h["wife"].civil_id).fines_total
    assert result["state"] == "AWAITING_PAYMENT"
    assert Decimal(result["amountDue"]) == fines + Decimal("170.000")
    lines = sorted(
        (line["person"]["nameEn"], line["kind"], Decimal(line["amount"]))
        for line in result["amountLines"]
    )
    assert lines == [
        ("Ana Reyes", "RESIDENCY_FEE", Decimal("50.000")),  # Art. 20, expatriate household
        ("Mona Hassan", "FINES", fines),
        ("Mona Hassan", "HEALTH_INSURANCE", Decimal("100.000")),
        ("Mona Hassan", "RESIDENCY_FEE", Decimal("20.000")),  # Art. 22 spouse
    ]
