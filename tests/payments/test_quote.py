"""quote(applicationId): the itemised amount per person and charge, from the fee schedule; an
application keeps its quote until it expires, whatever the schedule does meanwhile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.agencies.simulator import profile_for
from core.applications.kinds import ChargeKind
from core.applications.states import State
from core.articles import Article, Relation
from core.law.rules import Law
from payments.models import FeeKind, FeeRate, Quote
from payments.pricing import price_items
from tests import factories
from tests.payments.conftest import QUOTE, START, app_id, awaiting_payment
from tests.support.applications import create, give_profile

pytestmark = pytest.mark.django_db
FINED_UNINSURED = lambda p: p.uninsured and p.has_fines and not p.court_records  # noqa: E731


def test_the_quote_is_itemised_per_person_and_charge(gql, household):
    h = household
    give_profile(h["wife"], FINED_UNINSURED)
    give_profile(h["maid"], lambda p: p.fully_insured and not p.fines and not p.court_records)
    app = awaiting_payment(h, h["wife"], h["maid"], profile=None)
    fines = profile_for(h["wife"].civil_id).fines_total
    gql.login(h["user"])

    result = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]

    assert result["errors"] == []
    quote = result["quote"]
    assert quote["currency"] == "KWD" and quote["expired"] is False
    lines = {(line["person"]["nameEn"], line["kind"]): line for line in quote["lines"]}
    assert {key: Decimal(line["amount"]) for key, line in lines.items()} == {
        ("Mona Hassan", "HEALTH_INSURANCE"): Decimal("100.000"),
        ("Mona Hassan", "FINES"): fines,
        # Art. 22 spouse of an Art. 18 holder: KD 20 a year
        ("Mona Hassan", "RESIDENCY_FEE"): Decimal("20.000"),
        # Art. 20 domestic worker of an expatriate household: KD 50 a year
        ("Ana Reyes", "RESIDENCY_FEE"): Decimal("50.000"),
    }
    residency = lines[("Mona Hassan", "RESIDENCY_FEE")]
    assert residency["rateAmount"] == "20.000" and residency["ratePer"] == "YEAR"
    assert residency["annualRate"] == "20.000" and residency["months"] == 12
    assert "Art. 22" in residency["descriptionEn"] and "المادة 22" in residency["descriptionAr"]
    assert Decimal(quote["total"]) == fines + Decimal("170.000")
    subtotals = {p["person"]["nameEn"]: Decimal(p["subtotal"]) for p in quote["people"]}
    assert subtotals == {"Mona Hassan": fines + 120, "Ana Reyes": Decimal("50.000")}
    app.refresh_from_db()
    assert app.amount_due == Decimal(quote["total"])  # the amount due is the quote's


def residency_fees(app) -> dict[int, Decimal]:
    items = app.items.select_related(
        "application__sponsor__person", "person", "permit"
    ).prefetch_related("checks")
    return {
        line.item.person_id: line.amount
        for line in price_items(items).lines
        if line.kind == ChargeKind.RESIDENCY_FEE
    }


def test_decree_rates_by_article_and_sponsor(household):
    h = household
    app = awaiting_payment(h, h["wife"], h["child"], h["maid"])
    assert residency_fees(app) == {
        h["wife"].pk: Decimal("20.000"),
        h["child"].pk: Decimal("20.000"),
        h["maid"].pk: Decimal("50.000"),
    }
    # The head now holds an Art. 19 residency: his dependents pay KD 40, then Art. 24: KD 100.
    # Domestic workers are not dependents under Art. 22: still KD 50.
    from core.models import ResidencyPermit

    ResidencyPermit.objects.filter(holder=h["head"]).update(article=19)
    assert residency_fees(app)[h["wife"].pk] == Decimal("40")
    ResidencyPermit.objects.filter(holder=h["head"]).update(article=24)
    fees = residency_fees(app)
    assert fees[h["child"].pk] == 100 and fees[h["maid"].pk] == 50


def test_seeded_schedule_is_the_regulations_from_23_december_2025():
    from core.law.published import REGULATIONS
    from payments.pricing import Standing, health_rate, matching_rates, rates_on

    anyone = Standing(relation="", household="", sponsor_article=None)
    rates = rates_on(timezone.localdate())
    for article, amount in ((17, 20), (18, 20), (19, 50), (24, 500)):
        [rate] = matching_rates(rates, FeeKind.RESIDENCY, anyone, article=article)
        assert rate.amount == Decimal(amount) and rate.per == "year"
        assert rate.legal_basis.startswith(REGULATIONS) and rate.source_kind
        assert rate.effective_from == dt.date(2025, 12, 23)
        assert isinstance(rate.amount, Decimal) and rate.amount.as_tuple().exponent == -3
    assert health_rate(rates).amount == Decimal("100.000")
    # The day before, the earlier schedule: its Art. 20 rate was one for every household.
    earlier = rates_on(dt.date(2025, 12, 22))
    [flat] = matching_rates(earlier, FeeKind.RESIDENCY, anyone, article=20)
    assert flat.amount == Decimal("10.000") and flat.household == ""
    assert flat.effective_until == dt.date(2025, 12, 23)


def test_residency_is_charged_per_year_or_part_health_pro_rata():
    from payments.pricing import health_amount, years_charged

    assert [years_charged(m) for m in (1, 6, 12, 13, 24, 25, 60)] == [1, 1, 1, 2, 2, 3, 5]
    assert health_amount(Decimal("100.000"), 6) == Decimal("50.000")
    assert health_amount(Decimal("100.000"), 7) == Decimal("58.333")


def test_the_quote_is_kept_until_it_expires_then_priced_again(gql, household, settings):
    h = household
    app = awaiting_payment(h, h["maid"])
    gql.login(h["user"])
    first = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]["quote"]
    assert first["total"] == "50.000"

    # Staff raise the Art. 20 fee of expatriate households from today: the quote given stands
    # until it expires.
    FeeRate.objects.create(
        kind=FeeKind.RESIDENCY,
        article=20,
        household="expatriate",
        amount=Decimal("55.000"),
        effective_from=timezone.localdate(),
        legal_basis="test decree",
    )
    again = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]["quote"]
    assert again["id"] == first["id"] and again["total"] == "50.000"

    Quote.objects.filter(application=app).update(expires_at=timezone.now() - dt.timedelta(1))
    renewed = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]["quote"]
    assert renewed["id"] != first["id"] and renewed["total"] == "55.000"


def test_a_rate_effective_tomorrow_does_not_price_today(household):
    h = household
    FeeRate.objects.create(
        kind=FeeKind.RESIDENCY,
        article=20,
        household="expatriate",
        amount=Decimal("99.000"),
        effective_from=timezone.localdate() + dt.timedelta(days=1),
    )
    app = awaiting_payment(h, h["maid"])
    from payments.quotes import quote_issue

    assert quote_issue(app).total == Decimal("50.000")


def test_start_with_an_expired_quote_is_a_typed_error_with_the_new_quote(gql, household):
    h = household
    app = awaiting_payment(h, h["maid"])
    gql.login(h["user"])
    gql(QUOTE, {"id": app_id(app)})
    Quote.objects.filter(application=app).update(expires_at=timezone.now() - dt.timedelta(1))
    FeeRate.objects.create(
        kind=FeeKind.RESIDENCY,
        article=20,
        household="expatriate",
        amount=Decimal("12.500"),
        effective_from=timezone.localdate(),
    )
    gql.language = "ar"

    result = gql(START, {"id": app_id(app), "key": "key-expired-1"})["data"]["startPayment"]

    assert result["payment"] is None and result["redirectUrl"] is None
    [error] = result["errors"]
    assert error["code"] == "QUOTE_EXPIRED"
    assert "12.500" in error["messageEn"] and "12.500" in error["messageAr"]
    assert error["message"] == error["messageAr"]
    assert result["quote"]["total"] == "12.500"
    assert Quote.objects.filter(application=app).count() == 2  # the new quote was kept
    # Paying now pays the new quote.
    paid = gql(START, {"id": app_id(app), "key": "key-expired-2"})["data"]["startPayment"]
    assert paid["errors"] == [] and paid["payment"]["amount"] == "12.500"


def test_another_sponsor_cannot_see_or_pay_the_quote(gql, household):
    h = household
    app = awaiting_payment(h, h["maid"])
    stranger = factories.household()
    gql.login(stranger["user"])
    quote = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]
    assert quote["quote"] is None
    assert [e["code"] for e in quote["errors"]] == ["NOT_FOUND"]
    start = gql(START, {"id": app_id(app), "key": "stranger-key-1"})["data"]["startPayment"]
    assert start["payment"] is None and [e["code"] for e in start["errors"]] == ["NOT_FOUND"]
    assert Quote.objects.filter(application=app).count() == 1  # the one it was given, no more
    # The wife (a person on the file, not the sponsor) cannot either.
    wife_user = factories.user()
    h["wife"].user = wife_user
    h["wife"].save(update_fields=["user"])
    gql.login(wife_user)
    assert gql(QUOTE, {"id": app_id(app)})["data"]["quote"]["errors"][0]["code"] == "NOT_FOUND"


def test_back_office_may_quote(gql, household):
    app = awaiting_payment(household, household["maid"])
    gql.login(factories.user(is_staff=True))
    assert gql(QUOTE, {"id": app_id(app)})["data"]["quote"]["quote"]["total"] == "50.000"


def test_an_application_not_awaiting_payment_has_no_quote(gql, household):
    from tests.support.applications import submit

    h = household
    app = submit(h, h["maid"])  # checking, not yet awaiting payment
    gql.login(h["user"])
    result = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]
    assert result["quote"] is None
    [error] = result["errors"]
    assert error["code"] == "WRONG_STATE" and State.CHECKING in error["messageEn"]


def test_a_person_the_schedule_does_not_price_is_a_typed_error(gql, household):
    h = household
    FeeRate.objects.filter(article=20).update(effective_until=timezone.localdate())
    app = awaiting_payment(h, h["maid"])
    gql.login(h["user"])
    result = gql(QUOTE, {"id": app_id(app)})["data"]["quote"]
    [error] = result["errors"]
    assert error["code"] == "NO_FEE_RATE" and "20" in error["messageEn"]
    assert error["messageAr"]


def _items(app):
    return app.items.select_related("application__sponsor__person", "person", "permit")


def test_a_resident_parent_is_priced_as_the_regulations_say(household):
    """The earlier schedule had no rate for dependants other than a spouse and children: a
    parent could never pay (``missing``)."""
    h = household
    father = factories.dependent(h["sponsor"], Relation.PARENT, born=dt.date(1950, 3, 1))
    factories.permit(father, h["sponsor"], Article.FAMILY_JOIN, days_left=30)
    app = create(h, father)
    now = price_items(_items(app))
    assert not now.missing
    fees = [line.amount for line in now.lines if line.kind == ChargeKind.RESIDENCY_FEE]
    assert fees == [Decimal("300.000")]
    before = price_items(_items(app), Law(dt.date(2025, 12, 22)))
    assert [item.person_id for item in before.missing] == [father.pk]


def test_temporary_residence_is_charged_by_the_month(db):
    """The earlier schedule had no rate for Art. 14: its holders could never pay."""
    temporary = factories.temporary_resident()
    staff = temporary["sponsor"].staff.get().user
    app = create({"user": staff, "sponsor": temporary["sponsor"]}, temporary["person"], months=3)
    [fee] = [line for line in price_items(_items(app)).lines if line.kind == "residency_fee"]
    assert (fee.amount, fee.per, fee.months) == (Decimal("30.000"), "month", 3)
    before = price_items(_items(app), Law(dt.date(2025, 12, 22)))
    assert [item.person_id for item in before.missing] == [temporary["person"].pk]
