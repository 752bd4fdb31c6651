"""Issuing, renewing, transferring and cancelling residency permits, each change kept in the
history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.events import PermitMessage, announce_after_commit, permit_changed
from core.models import (
    Dependent,
    PermitChange,
    PermitChangeKind,
    Person,
    ResidencyPermit,
    Sponsor,
)


def _record(
    permit: ResidencyPermit, *, kind: str, actor: Any, before: dt.date | None, note: str = ""
) -> PermitChange:
    change = PermitChange.objects.create(
        permit=permit,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        expires_on_before=before,
        expires_on_after=permit.expires_on,
        note=note,
    )
    announce_after_commit(
        permit_changed,
        PermitMessage(
            permit_id=permit.pk,
            change_id=change.pk,
            kind=str(kind),
            holder_id=permit.holder_id,
            sponsor_id=permit.sponsor_id,
            expires_on=permit.expires_on.isoformat(),
        ),
    )
    return change


@transaction.atomic
def permit_issue(
    *,
    actor: Any,
    holder: Person,
    sponsor: Sponsor,
    article: int,
    issued_on: dt.date,
    expires_on: dt.date,
) -> ResidencyPermit:
    permit = ResidencyPermit(
        holder=holder, sponsor=sponsor, article=article, issued_on=issued_on, expires_on=expires_on
    )
    permit.full_clean()
    permit.save()
    _record(permit, kind=PermitChangeKind.ISSUED, actor=actor, before=None)
    return permit


@transaction.atomic
def permit_renew(*, actor: Any, permit: ResidencyPermit, expires_on: dt.date) -> ResidencyPermit:
    permit = ResidencyPermit.objects.select_for_update().get(pk=permit.pk)
    before = permit.expires_on
    permit.expires_on = expires_on
    permit.full_clean()
    permit.save(update_fields=["expires_on", "updated_at"])
    _record(permit, kind=PermitChangeKind.RENEWED, actor=actor, before=before)
    return permit


@transaction.atomic
def permit_cancel(*, actor: Any, permit: ResidencyPermit, reason: str) -> ResidencyPermit:
    permit = ResidencyPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.cancelled_at is not None:
        return permit
    permit.cancelled_at = timezone.now()
    permit.cancellation_reason = reason[:200]
    permit.save(update_fields=["cancelled_at", "cancellation_reason", "updated_at"])
    _record(
        permit,
        kind=PermitChangeKind.CANCELLED,
        actor=actor,
        before=permit.expires_on,
        note=reason[:200],
    )
    return permit


@transaction.atomic
def permit_transfer(
    *,
    actor: Any,
    permit: ResidencyPermit,
    sponsor: Sponsor,
    article: int,
    relation: str,
    expires_on: dt.date,
) -> ResidencyPermit:
    """Move the permit to another sponsor and article, running to ``expires_on``: the holder
    leaves the old sponsor's file and joins the new one's, at once (what each may see follows
    the file: ``core.access``)."""
    permit = ResidencyPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.sponsor_id == sponsor.pk and permit.article == article:
        return permit  # already done (issuing again after a crash)
    before, old_sponsor, old_article = permit.expires_on, permit.sponsor_id, permit.article
    now = timezone.now()
    Dependent.objects.filter(
        sponsor_id=old_sponsor, person_id=permit.holder_id, ended_on__isnull=True
    ).update(ended_on=timezone.localdate())
    Dependent.objects.create(
        sponsor=sponsor,
        person_id=permit.holder_id,
        relation=relation,
        since=timezone.localdate(),
        joined_at=now,
    )
    permit.sponsor, permit.article, permit.expires_on = sponsor, article, expires_on
    permit.sponsored_since = now
    permit.full_clean()
    permit.save(update_fields=["sponsor", "article", "expires_on", "sponsored_since", "updated_at"])
    _record(
        permit,
        kind=PermitChangeKind.SPONSOR_TRANSFERRED,
        actor=actor,
        before=before,
        note=f"Transferred from Art. {old_article} to Art. {article}",
    )
    return permit
