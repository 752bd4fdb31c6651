"""The one state machine of applications and their items, as data.

``core.applications.machine.application_transition`` is the only code that changes a state, and
it refuses any move not listed here.
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WAITING_FOR_CONSENT = "waiting_for_consent", "Waiting for consent"
    CHECKING = "checking", "Checking"
    WAITING_FOR_DOCUMENTS = "waiting_for_documents", "Waiting for documents"
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    ISSUED = "issued", "Issued"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED, State.CANCELLED}),
    State.SUBMITTED: frozenset(
        {State.WAITING_FOR_CONSENT, State.CHECKING, State.REJECTED, State.CANCELLED}
    ),
    # A transfer waits for the parties the law asks to consent before anyone is checked.
    State.WAITING_FOR_CONSENT: frozenset({State.CHECKING, State.REJECTED, State.CANCELLED}),
    State.CHECKING: frozenset(
        {State.AWAITING_PAYMENT, State.WAITING_FOR_DOCUMENTS, State.REJECTED, State.CANCELLED}
    ),
    State.WAITING_FOR_DOCUMENTS: frozenset({State.CHECKING, State.REJECTED, State.CANCELLED}),
    State.AWAITING_PAYMENT: frozenset(
        {State.PAID, State.WAITING_FOR_DOCUMENTS, State.REJECTED, State.CANCELLED}
    ),
    State.PAID: frozenset({State.ISSUED, State.REJECTED}),
    State.ISSUED: frozenset(),
    State.REJECTED: frozenset(),
    State.CANCELLED: frozenset(),
}

OPEN_STATES = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.WAITING_FOR_CONSENT,
        State.CHECKING,
        State.WAITING_FOR_DOCUMENTS,
        State.AWAITING_PAYMENT,
        State.PAID,
    }
)
CLOSED_STATES = frozenset(TRANSITIONS) - OPEN_STATES
# Agency checks go on while documents are awaited; only the move to payment waits for them.
CHECKING_STATES = frozenset({State.CHECKING, State.WAITING_FOR_DOCUMENTS})
EDITABLE_STATES = frozenset({State.DRAFT})
# Items that left the application: nobody is charged or issued for them.
GONE_ITEM_STATES = frozenset({State.REJECTED, State.CANCELLED})


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS[State(current)]
