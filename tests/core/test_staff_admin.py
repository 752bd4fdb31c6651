"""The back office manages owners in the admin and revokes delegates there; each change goes
through the same rules (an owner holds every scope, what a scope implies comes with it), is
audited as the back office's, and disconnects whoever lost anything."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEntry, SponsorStaff
from core.scopes import ALL_SCOPES, StaffRole
from core.sponsors.delegates import staff_saved
from tests import factories
from tests.support.staff import delegate

pytestmark = pytest.mark.django_db


def test_an_owner_added_by_the_back_office_holds_every_scope_and_is_audited():
    company, (_owner,) = factories.company()
    officer = factories.user(is_staff=True)
    newcomer = SponsorStaff(sponsor=company, user=factories.user(), role=StaffRole.OWNER)
    staff_saved(actor=officer, row=newcomer, before=None)
    assert newcomer.scopes == ALL_SCOPES and newcomer.granted_by == officer
    entry = AuditEntry.objects.get(action="delegate_granted")
    assert entry.back_office and entry.detail["role"] == "owner"

    clerk = SponsorStaff(sponsor=company, user=factories.user(), renew=True)  # implies viewing
    staff_saved(actor=officer, row=clerk, before=None)
    assert clerk.scopes == {"renew", "view_workers"}


def test_the_back_office_revokes_a_sponsors_delegates_from_the_admin(
    django_capture_on_commit_callbacks,
):
    company, (owner,) = factories.company()
    clerk = factories.user()
    delegate(company, clerk, ["view_workers"], by=owner)
    officer = factories.user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/core/sponsor/",
            {"action": "revoke_delegates", "_selected_action": [company.pk]},
        )
    assert response.status_code == 302
    row = SponsorStaff.objects.get(user=clerk)
    assert row.revoked_at is not None and row.revoked_by == officer
    assert SponsorStaff.objects.get(user=owner).revoked_at is None  # owners stay
    revoked = AuditEntry.objects.get(action="delegate_revoked")
    assert revoked.back_office and revoked.actor == officer
