"""``applicationPreview`` over HTTP: every field, no writes, and nothing about people or files
the caller could not see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from core.applications.models import Application

pytestmark = pytest.mark.django_db

PREVIEW = """query($sponsor: ID!, $people: [ApplicationPersonInput!]!) {
  applicationPreview(kind: RENEWAL, sponsorId: $sponsor, people: $people) {
    preview { kind day total provisional
      people { index eligible months subtotal
        person { nameEn civilId passportNumber }
        durations { minMonths maxMonths limitedBy }
        problems { field code message messageEn messageAr }
        missingDocuments { kind party expiredOn kindTitleEn owner { nameEn } }
        lines { kind descriptionEn descriptionAr months rateAmount ratePer amount provisional } } }
    errors { field code messageEn messageAr } } }"""
WRITES = ("INSERT", "UPDATE", "DELETE")


def ask(gql, sponsor, *people):
    return gql(
        PREVIEW,
        {
            "sponsor": to_base64("Sponsor", sponsor.pk),
            "people": [
                {"personId": to_base64("Person", p.pk), **({"months": m} if m else {})}
                for p, m in people
            ],
        },
    )


def test_the_preview_of_a_family_over_graphql_writes_nothing(gql, household):
    h = household
    gql.login(h["user"])
    with CaptureQueriesContext(connection) as queries:
        result = ask(gql, h["sponsor"], (h["wife"], 12), (h["maid"], None))
    assert "errors" not in result
    written = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith(WRITES)]
    # Signing the test client in wrote its session before; the preview itself writes nothing.
    assert [sql for sql in written if "django_session" not in sql] == []
    assert not Application.objects.exists()
    preview = result["data"]["applicationPreview"]["preview"]
    assert preview["kind"] == "RENEWAL" and preview["provisional"] is True
    wife, maid = preview["people"]
    assert wife["eligible"] and wife["person"]["nameEn"] == "Mona Hassan"
    assert maid["months"] == maid["durations"]["maxMonths"] > 0
    kinds = {line["kind"] for line in wife["lines"]}
    assert kinds == {"RESIDENCY_FEE", "HEALTH_INSURANCE"}
    assert {m["kind"] for m in wife["missingDocuments"]} >= {"PERSONAL_PHOTO", "PASSPORT_COPY"}


def test_a_stranger_learns_nothing_from_the_preview(gql, household, other_family):
    h = household
    gql.login(other_family["user"])
    # Their own file with our wife: the same answer as for nobody, and no person.
    result = ask(gql, other_family["sponsor"], (h["wife"], 12))["data"]["applicationPreview"]
    [person] = result["preview"]["people"]
    assert person["person"] is None and person["lines"] == [] and person["durations"] is None
    assert [e["code"] for e in person["problems"]] == ["NOT_YOUR_DEPENDENT"]
    assert person["problems"][0]["messageAr"]
    # Our file: not found, as for a file that does not exist.
    ours = ask(gql, h["sponsor"], (h["wife"], 12))["data"]["applicationPreview"]
    assert ours["preview"] is None and [e["code"] for e in ours["errors"]] == ["NOT_FOUND"]


def test_signed_out_there_is_no_preview(gql, household):
    result = ask(gql, household["sponsor"], (household["wife"], 12))["data"]["applicationPreview"]
    assert result["preview"] is None and [e["code"] for e in result["errors"]] == ["NOT_FOUND"]
