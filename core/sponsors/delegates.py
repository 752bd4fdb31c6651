"""Owners and their delegates: granting scopes, revoking them, at once.

Who: whoever holds ``manage_delegates`` for the sponsor (its owners hold every scope; the back
office may too), and only over scopes they hold themselves — they can neither give nor take
away more than they have — and never over an owner (owners are added and removed by the back
office, in the admin: ``staff_saved``). A grant replaces what the delegate held; revoking keeps
the row as the record. Every change is audited; a delegate who loses anything has their open
websockets closed, and a revoked delegate's tokens for the sponsor are revoked with them. A
request they make afterwards sees what they hold then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import access, events
from core.errors import DomainError
from core.models import ApiToken, AuditAction, Sponsor, SponsorStaff
from core.scopes import ALL_SCOPES, Scope, StaffRole, UnknownScope, closed, ordered
from core.services.accounts import tokens_revoke
from core.services.audit import audit
from core.sponsors.errors import StaffErrorCode


def _authority(actor: Any, sponsor: Sponsor | None) -> frozenset[str]:
    """The scopes the actor may hand out or take back for the sponsor; NOT_FOUND unless they
    may manage its delegates (as for a sponsor that does not exist)."""
    if not access.signed_in(actor):
        raise DomainError(StaffErrorCode.NOT_FOUND, "sponsorId")
    if sponsor is None or sponsor.person_id is not None:  # individuals have no staff
        raise DomainError(StaffErrorCode.NOT_FOUND, "sponsorId")
    held = ALL_SCOPES if access.is_back_office(actor) else access.scopes_for(actor, sponsor)
    if Scope.MANAGE_DELEGATES not in held:
        raise DomainError(StaffErrorCode.NOT_FOUND, "sponsorId")
    return held


def _within(changed: frozenset[str], held: frozenset[str]) -> None:
    if not changed <= held:
        missing = ", ".join(ordered(changed - held))
        raise DomainError(StaffErrorCode.SCOPE_NOT_HELD, "scopes", {"scopes": missing})


def _closing(user_id: int) -> None:
    """Close the user's open websockets once this transaction commits."""
    events.announce_after_commit(
        events.access_revoked, events.AccessRevokedMessage(user_ids=(user_id,))
    )


@transaction.atomic
def delegate_grant(
    *, actor: Any, sponsor_id: int | None, username: str, scopes: Iterable[str]
) -> SponsorStaff:
    """Make the user with this user name a delegate of the sponsor holding exactly ``scopes``
    (with those they imply), or bring a revoked delegate back."""
    sponsor = Sponsor.objects.select_for_update().filter(pk=sponsor_id).first()
    held = _authority(actor, sponsor)
    try:
        wanted = closed(scopes)
    except UnknownScope as exc:
        raise DomainError(StaffErrorCode.UNKNOWN_SCOPE, "scopes") from exc
    if not wanted:
        raise DomainError(StaffErrorCode.SCOPES_REQUIRED, "scopes")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(StaffErrorCode.USER_NOT_FOUND, "username")
    if user.pk == actor.pk:
        raise DomainError(StaffErrorCode.NOT_YOURSELF, "username")
    row = SponsorStaff.objects.filter(sponsor=sponsor, user=user).first()
    if row is not None and row.role == StaffRole.OWNER:
        raise DomainError(StaffErrorCode.OWNER_UNCHANGEABLE, "username")
    before = row.scopes if row is not None and row.is_active else frozenset()
    _within(wanted ^ before, held)
    if row is not None and row.is_active and before == wanted:
        return row  # nothing changes
    row = row or SponsorStaff(sponsor=sponsor, user=user, role=StaffRole.DELEGATE)
    row.set_scopes(wanted)
    row.granted_by, row.granted_at = actor, timezone.now()
    row.revoked_by = row.revoked_at = None
    row.save()
    audit(
        actor=actor,
        sponsor=sponsor,
        action=AuditAction.DELEGATE_GRANTED,
        target=row,
        detail={
            "username": user.get_username(),
            "scopes": ordered(wanted),
            "before": ordered(before),
        },
    )
    if before - wanted:
        _closing(user.pk)
    return row


@transaction.atomic
def delegate_revoke(*, actor: Any, delegate_id: int | None) -> SponsorStaff:
    """Revoke a delegate at once: their next request fails for this sponsor, their websockets
    close, their tokens for it are revoked. Revoking again changes nothing."""
    row = (
        SponsorStaff.objects.select_for_update(of=("self",))
        .select_related("sponsor", "user")
        .filter(pk=delegate_id)
        .first()
    )
    if row is None:
        raise DomainError(StaffErrorCode.NOT_FOUND, "id")
    try:
        held = _authority(actor, row.sponsor)
    except DomainError as exc:
        raise DomainError(StaffErrorCode.NOT_FOUND, "id") from exc
    if row.role == StaffRole.OWNER:
        raise DomainError(StaffErrorCode.OWNER_UNCHANGEABLE, "id")
    if row.revoked_at is not None:
        return row
    _within(row.scopes, held)
    row.revoked_by, row.revoked_at = actor, timezone.now()
    row.save(update_fields=["revoked_by", "revoked_at"])
    audit(
        actor=actor,
        sponsor=row.sponsor,
        action=AuditAction.DELEGATE_REVOKED,
        target=row,
        detail={"username": row.user.get_username(), "scopes": ordered(row.scopes)},
    )
    tokens = list(ApiToken.objects.select_for_update().filter(grant=row, revoked_at__isnull=True))
    tokens_revoke(tokens, actor=actor, reason="its creator was revoked")
    _closing(row.user_id)
    return row


@transaction.atomic
def staff_saved(
    *, actor: Any, row: SponsorStaff, before: tuple[frozenset[str], Any] | None
) -> SponsorStaff:
    """A row the back office saved in the admin (an owner added, a role or scopes changed):
    what a scope implies comes with it, the change is audited, and a user who lost anything is
    disconnected. ``before``: the row's scopes and revocation as they were (None: new)."""
    row.set_scopes(row.scopes)
    held_before = before[0] if before is not None and before[1] is None else frozenset()
    row.granted_by, row.granted_at = actor, timezone.now()
    row.save()
    after = row.scopes if row.revoked_at is None else frozenset()
    if before is not None and after == held_before:
        return row
    audit(
        actor=actor,
        sponsor=row.sponsor_id,
        action=AuditAction.DELEGATE_GRANTED,
        target=row,
        detail={
            "username": row.user.get_username(),
            "role": row.role,
            "scopes": ordered(after),
            "before": ordered(held_before),
        },
    )
    if held_before - after:
        _closing(row.user_id)
    return row
