"""An officer decides a check the rules sent to review; nobody else can."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.agencies.base import CourtRecordKind
from core.applications.models import AgencyCheck, CheckStatus
from core.applications.states import State
from tests import factories
from tests.support.applications import give_profile, run_all, submit

pytestmark = pytest.mark.django_db

DECIDE = """mutation($id: ID!, $clear: Boolean!) {
  decideCheckReview(checkId: $id, clear: $clear, note: "old case, settled") {
    application { state history { kind checkStatus } }
    errors { code }
  }
}"""


@pytest.fixture
def in_review(household):
    judged = CourtRecordKind.JUDGMENT
    give_profile(household["wife"], lambda p: p.court_records_only(judged) and p.fully_insured)
    app = submit(household, household["wife"])
    run_all(app)
    check = AgencyCheck.objects.get(agency="courts")
    assert check.status == CheckStatus.REVIEW
    return app, check


def test_an_officer_clears_the_review_and_the_application_awaits_payment(gql, in_review):
    _, check = in_review
    gql.login(factories.user(is_staff=True))
    payload = gql(DECIDE, {"id": to_base64("AgencyCheck", check.pk), "clear": True})
    payload = payload["data"]["decideCheckReview"]
    assert payload["errors"] == []
    assert payload["application"]["state"] == "AWAITING_PAYMENT"
    assert {"kind": "REVIEW", "checkStatus": "CLEAR"} in payload["application"]["history"]
    check.refresh_from_db()
    assert "settled" in check.detail_en


def test_an_officer_blocks_and_the_application_is_rejected(gql, in_review):
    app, check = in_review
    gql.login(factories.user(is_staff=True))
    gql(DECIDE, {"id": to_base64("AgencyCheck", check.pk), "clear": False})
    app.refresh_from_db()
    assert app.state == State.REJECTED


def test_the_sponsor_cannot_decide_their_own_review(gql, household, in_review):
    _, check = in_review
    gql.login(household["user"])
    payload = gql(DECIDE, {"id": to_base64("AgencyCheck", check.pk), "clear": True})
    assert payload["data"]["decideCheckReview"] == {
        "application": None,
        "errors": [{"code": "NOT_FOUND"}],
    }
    check.refresh_from_db()
    assert check.status == CheckStatus.REVIEW


def test_a_decided_check_cannot_be_decided_again(gql, in_review):
    _, check = in_review
    gql.login(factories.user(is_staff=True))
    gql(DECIDE, {"id": to_base64("AgencyCheck", check.pk), "clear": True})
    again = gql(DECIDE, {"id": to_base64("AgencyCheck", check.pk), "clear": False})
    assert again["data"]["decideCheckReview"]["errors"] == [{"code": "WRONG_STATE"}]
