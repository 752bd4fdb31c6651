"""Existing staff become owners; existing tokens are bound to their user's one sponsor."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

SCOPES = ("view_workers", "renew", "pay", "manage_delegates", "integrations")
# Tokens from before expiries were required run this long from the upgrade.
LEGACY_TOKEN_DAYS = 90


def staff_become_owners_tokens_get_a_sponsor(apps, schema_editor):
    """Every staff row so far was the sponsor's one account: it becomes an owner. A token so far
    acted as its user: it is bound to that user's one sponsor with every scope (never more than
    it could do before) and an expiry; a token of a user acting for several sponsors, or none,
    is revoked (its user creates a new one for the sponsor they mean)."""
    SponsorStaff = apps.get_model("core", "SponsorStaff")
    ApiToken = apps.get_model("core", "ApiToken")
    Sponsor = apps.get_model("core", "Sponsor")
    SponsorStaff.objects.update(
        role="owner", granted_at=models.F("created_at"), **dict.fromkeys(SCOPES, True)
    )
    now = timezone.now()
    until = now + dt.timedelta(days=LEGACY_TOKEN_DAYS)
    for token in ApiToken.objects.filter(sponsor__isnull=True, revoked_at__isnull=True):
        own = list(Sponsor.objects.filter(person__user_id=token.user_id).values_list("pk", flat=True))
        staff = list(SponsorStaff.objects.filter(user_id=token.user_id))
        if len(own) + len(staff) != 1:
            token.revoked_at = now
        else:
            token.sponsor_id = own[0] if own else staff[0].sponsor_id
            token.grant = None if own else staff[0]
            for scope in SCOPES:
                setattr(token, scope, True)
            token.expires_at = min(token.expires_at or until, until)
        token.save()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_staff_scopes_tokens_audit_missions")]

    operations = [
        migrations.RunPython(staff_become_owners_tokens_get_a_sponsor, migrations.RunPython.noop),
    ]
