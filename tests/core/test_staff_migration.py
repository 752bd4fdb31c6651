"""Upgrading to scopes (core 0005-0007): every staff row that existed becomes an owner; a token
of a user with one sponsor is bound to it with every scope and an expiry, another user's is
revoked; missions may sponsor under Art. 17 (law 0004)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("core", "0004_permit_sponsored_since"), ("law", "0003_transfer_consent_and_fee")]


def migrate(targets=None):
    """To ``targets``, or to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_staff_become_owners_and_tokens_find_their_sponsor():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Person = old.get_model("core", "Person")
    Sponsor = old.get_model("core", "Sponsor")
    SponsorStaff = old.get_model("core", "SponsorStaff")
    ApiToken = old.get_model("core", "ApiToken")
    hr, both, resident = (User.objects.create(username=n) for n in ("hr", "both", "resident"))
    company = Sponsor.objects.create(
        kind="company",
        name_en="Gulf Tech",
        commercial_registration="CR-1",
        manpower_file_number="MPA-1",
    )
    ministry = Sponsor.objects.create(kind="government", name_en="Ministry")
    SponsorStaff.objects.create(sponsor=company, user=hr)
    SponsorStaff.objects.create(sponsor=company, user=both)
    SponsorStaff.objects.create(sponsor=ministry, user=both)
    head = Person.objects.create(
        civil_id="290011500015",
        name_ar="راجيش",
        name_en="Rajesh",
        nationality="IND",
        date_of_birth="1990-01-15",
        sex="M",
        passport_number="P1",
        passport_expiry="2030-01-01",
        user=resident,
    )
    own_file = Sponsor.objects.create(kind="individual", person=head)
    for user, prefix in ((hr, "aaa"), (both, "bbb"), (resident, "ccc")):
        ApiToken.objects.create(user=user, name="old", prefix=prefix, key_hash="x")

    new = migrate()
    staff = new.get_model("core", "SponsorStaff").objects.all()
    assert {row.role for row in staff} == {"owner"}
    assert all(row.view_workers and row.integrations and row.manage_delegates for row in staff)
    tokens = {t.prefix: t for t in new.get_model("core", "ApiToken").objects.all()}
    assert tokens["aaa"].sponsor_id == company.pk and tokens["aaa"].grant_id is not None
    assert tokens["aaa"].renew and tokens["aaa"].expires_at > timezone.now()
    assert tokens["ccc"].sponsor_id == own_file.pk and tokens["ccc"].grant_id is None
    assert tokens["bbb"].revoked_at is not None and tokens["bbb"].sponsor_id is None
    art_17 = new.get_model("law", "ArticleTerm").objects.filter(article=17)
    assert art_17.exists() and all("mission" in t.sponsor_kinds for t in art_17)
