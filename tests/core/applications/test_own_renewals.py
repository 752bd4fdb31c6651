"""Own renewals: a self-sponsored resident (Art. 19, Art. 24) renews their own residency; a
worker's (Art. 17, Art. 18) is renewed by the employer, never by the worker alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.applications.errors import ApplicationErrorCode
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.kinds.renewal import add_months
from core.applications.services import application_create, application_submit
from core.applications.states import State
from core.articles import Article
from core.errors import DomainError, DomainErrors
from core.law.models import ResidencyGround
from payments.quotes import quote_issue
from tests import factories
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731


def own(resident: dict, months: int | None = 12):
    return application_create(
        actor=resident["user"],
        kind=RENEWAL.name,
        sponsor_id=resident["sponsor"].pk,
        people=[PersonChoice(resident["person"].pk, months)],
    )


def test_a_self_sponsored_resident_renews_their_own_residency():
    resident = factories.self_sponsored(Article.SELF_RESIDENCE)
    give_profile(resident["person"], CLEAN)
    app = own(resident)
    [item] = app.items.all()
    assert (item.relation, item.article) == ("self", Article.SELF_RESIDENCE)
    application_submit(actor=resident["user"], application_id=app.pk)
    assert sorted(run_all(app)) == ["clear", "clear", "clear"]
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert app.amount_due == Decimal("500.000")  # the Art. 24 rate: self residence


def test_self_residence_is_five_years_at_most_not_ten():
    """Regular residency runs five years at most under Decree-Law 114/2024 (the earlier data
    gave Art. 24 ten)."""
    resident = factories.self_sponsored(Article.SELF_RESIDENCE)
    with pytest.raises(DomainErrors) as caught:
        own(resident, 61)
    assert [e.code for e in caught.value.errors] == [ApplicationErrorCode.DURATION_TOO_LONG]
    assert "60" in caught.value.errors[0].message_en


def test_an_investor_may_renew_for_fifteen_years_and_a_property_owner_for_ten():
    investor = factories.self_sponsored(Article.SELF_SPONSORED, passport_expiry=None)
    investor["person"].passport_expiry = add_months(investor["permit"].expires_on, 200)
    investor["person"].residency_grounds = [ResidencyGround.INVESTOR]
    investor["person"].save()
    assert own(investor, 180).items.get().months == 180

    owner = factories.self_sponsored(Article.SELF_RESIDENCE)
    owner["person"].passport_expiry = add_months(owner["permit"].expires_on, 200)
    owner["person"].residency_grounds = [ResidencyGround.PROPERTY_OWNER]
    owner["person"].save()
    with pytest.raises(DomainErrors):
        own(owner, 121)
    assert own(owner, 120).items.get().months == 120


def test_a_worker_cannot_renew_his_art_18_residency_alone():
    works = factories.employed_worker()
    worker = works["worker"]
    # His own file (he sponsors a family, say): his residency is the employer's to renew.
    sponsor = factories.individual_sponsor(worker)
    with pytest.raises(DomainErrors) as caught:
        application_create(
            actor=worker.user,
            kind=RENEWAL.name,
            sponsor_id=sponsor.pk,
            people=[PersonChoice(worker.pk, 12)],
        )
    [error] = caught.value.errors
    assert error.code == ApplicationErrorCode.RENEWED_BY_SPONSOR
    assert "18" in error.message_en and works["employer"].name_en in error.message_en
    # Nor on the employer's file, which he does not act for.
    with pytest.raises(DomainError) as refused:
        application_create(
            actor=worker.user,
            kind=RENEWAL.name,
            sponsor_id=works["employer"].pk,
            people=[PersonChoice(worker.pk, 12)],
        )
    assert refused.value.code == ApplicationErrorCode.NOT_FOUND


def test_the_employer_renews_the_worker():
    works = factories.employed_worker()
    give_profile(works["worker"], lambda p: CLEAN(p) and p.valid_work_permit)
    app = application_create(
        actor=works["staff"],
        kind=RENEWAL.name,
        sponsor_id=works["employer"].pk,
        people=[PersonChoice(works["worker"].pk, 24)],
    )
    application_submit(actor=works["staff"], application_id=app.pk)
    run_all(app)
    app.refresh_from_db()
    assert app.state == State.AWAITING_PAYMENT
    assert quote_issue(app).total == Decimal("40.000")  # Art. 18, two years at KD 20
