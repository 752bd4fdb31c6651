"""Writing the audit log: called by every service that acts for a sponsor, inside its
transaction, so an action and its record are committed together or not at all."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import access
from core.models import AuditAction, AuditEntry, Sponsor
from core.request_id import current_request_id


def audit(
    *,
    actor: Any,
    sponsor: Sponsor | int,
    action: AuditAction,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` (a user, maybe through a token; None: the service itself) did
    ``action`` for ``sponsor``, on ``target``."""
    user = actor if access.signed_in(actor) else None
    token = access.acting_token(user)
    request_id = current_request_id()
    return AuditEntry.objects.create(
        sponsor_id=sponsor if isinstance(sponsor, int) else sponsor.pk,
        action=action,
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        token=token,
        token_prefix=token.prefix if token is not None else "",
        back_office=access.is_back_office(user),
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
        request_id="" if request_id == "-" else request_id,
    )
