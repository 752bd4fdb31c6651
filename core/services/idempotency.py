"""Writes an integrator may retry: the first answer to a key is kept and given again.

The key is the client's (``Idempotency`` keys as Stripe and the IETF draft use them), scoped to
the caller (the user and the API token it came through) and the operation. ``idempotent``
claims the key (the row is locked, so a second request with the same key waits for the first
to finish), runs the write once in the same transaction, and keeps what the caller makes of
its answer; the same key with the same arguments gets that answer again, with other arguments
a refusal. Answers are kept for ``IDEMPOTENCY_KEEP_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, RequestErrorCode
from core.models import IdempotentWrite

KEY = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


def fingerprint(arguments: dict[str, Any]) -> str:
    text = json.dumps(arguments, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(
    *,
    user: Any,
    token_id: int | None,
    operation: str,
    key: str,
    arguments: dict[str, Any],
    write: Callable[[], Any],
    keep: Callable[[Any], Any],
) -> tuple[Any, Any]:
    """``(answer, None)`` the first time: ``write()``'s answer, whose ``keep(answer)`` (JSON)
    is stored; ``(None, kept)`` when the key was used before with the same arguments.
    Raises DomainError for a malformed key or a key used with other arguments."""
    if not KEY.fullmatch(key or ""):
        raise DomainError(RequestErrorCode.INVALID_IDEMPOTENCY_KEY, "idempotencyKey")
    printed = fingerprint(arguments)
    with transaction.atomic():
        row, created = IdempotentWrite.objects.select_for_update().get_or_create(
            user=user,
            token_id=token_id or 0,
            operation=operation,
            key=key,
            defaults={"fingerprint": printed},
        )
        if not created:
            if row.fingerprint != printed:
                raise DomainError(RequestErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotencyKey")
            return None, row.answer
        answer = write()
        row.answer = keep(answer)
        row.save(update_fields=["answer"])
        return answer, None


def idempotent_writes_prune(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than ``IDEMPOTENCY_KEEP_HOURS``: a retry comes within minutes."""
    now = now or timezone.now()
    keep = dt.timedelta(hours=float(settings.IDEMPOTENCY_KEEP_HOURS))
    deleted, _ = IdempotentWrite.objects.filter(created_at__lt=now - keep).delete()
    return deleted


def idempotent_writes_prune_job() -> str:
    count = idempotent_writes_prune()
    return f"forgot {count} idempotent answers" if count else ""
