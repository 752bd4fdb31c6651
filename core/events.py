"""Domain events: what happened, with everything a listener needs, sent after the commit.

Services build the message inside their transaction (the state it describes, the amount due
then) and :func:`announce_after_commit` sends it once the transaction commits, never before
(Zulip's ``send_event``). Listeners — ``realtime`` fans messages out to websockets (and closes
those of revoked staff and tokens), ``payments`` refunds an application closed after payment —
use the message and read nothing back. The domain never imports its listeners.

One signal is sent *inside* the writer's transaction instead: ``application_recorded``, for a
listener that must write durable rows in that same transaction (the webhook outbox,
``core.webhooks``), so that the change and what is owed to others about it commit together or
not at all.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal


class ApplicationEventKind(enum.StrEnum):
    TRANSITION = "transition"  # the application moved from one state to another
    CHECK = "check"  # an agency check changed status
    REVIEW = "review"  # an officer decided a check sent to review
    DOCUMENTS = "documents"  # documents attached, missing or asked for
    CONSENT = "consent"  # a party asked to consent (a transfer's) consented or refused
    SPLIT = "split"  # a person moved to an application of their own (a check in review)


@dataclass(frozen=True)
class ApplicationMessage:
    """One entry of an application's history as its listeners see it."""

    application_id: int
    application_kind: str  # a kind in core.applications.kinds
    sponsor_id: int
    event_id: int
    sequence: int  # its place in the application's stream: 1, 2, 3, … in commit order
    sponsor_sequence: int  # its place in the sponsor's stream
    kind: ApplicationEventKind
    at: str  # ISO 8601
    state: str  # the application's state this event describes
    amount_due: str | None  # KWD, as text; None until priced
    from_state: str = ""
    to_state: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    request_id: str = ""  # the request that caused it (core.request_id), for the logs
    # People with a login whose own part of the application this event concerns: they watch
    # it (``myResidencyUpdated``) whoever applied for them.
    holder_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """For the channel layer: the fields as they are (``detail`` copied, never shared)."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {**fields, "kind": str(self.kind), "detail": dict(self.detail)}


@dataclass(frozen=True)
class PermitMessage:
    permit_id: int
    change_id: int
    kind: str  # core.models.PermitChangeKind
    holder_id: int
    sponsor_id: int
    expires_on: str  # ISO date


@dataclass(frozen=True)
class PermitReminderMessage:
    """A permit expires soon: its sponsor is reminded once for this expiry date
    (``core.reminders``)."""

    reminder_id: int
    permit_id: int
    holder_id: int
    sponsor_id: int
    article: int
    expires_on: str  # ISO date
    days_left: int
    at: str  # ISO 8601: when the reminder was sent

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AccessRevokedMessage:
    """Some users lost (some of) what they could do for a sponsor, or some tokens were revoked:
    their open websockets are closed, and they reconnect with what they hold now."""

    user_ids: tuple[int, ...] = ()
    token_ids: tuple[int, ...] = ()


# kwargs: message (ApplicationMessage)
application_changed = Signal()
# kwargs: messages (list of ApplicationMessage: the events written together); sent inside the
# transaction that writes them, so a listener's rows commit with them (and a listener's failure
# undoes them).
application_recorded = Signal()
# kwargs: message (PermitMessage)
permit_changed = Signal()
# kwargs: message (PermitReminderMessage)
permit_reminded = Signal()
# kwargs: message (AccessRevokedMessage)
access_revoked = Signal()


def announce_after_commit(signal: Signal, message: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, message=message), robust=True)
