"""Consents an application needs before anyone is checked (a transfer's: the current sponsor,
the new sponsor, the holder — as the law's data says, through the kind's ``consents``).

On submission each party the kind names is asked (a ``Consent`` row); the applicant's own
sponsor consents by submitting, and so does the holder when the holder submits. The others
decide with ``services.consent_decide``; the application waits in WAITING_FOR_CONSENT until
every party has consented, and a refusal takes the person off it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core import access
from core.applications.history import actor_or_none
from core.applications.kinds import kind_of
from core.applications.models import (
    Application,
    ApplicationItem,
    Consent,
    ConsentDecision,
    ConsentParty,
)
from core.law.rules import Law


def _given_by_submitting(
    application: Application, item: ApplicationItem, party: str, sponsor_id: int | None, actor: Any
) -> bool:
    """The one who submits consents for whatever they stand for: the sponsor they act for
    (only the applicant's own: acting for the new sponsor says nothing of the current one),
    and themself as the holder."""
    if party == ConsentParty.HOLDER:
        return item.person.user_id is not None and item.person.user_id == getattr(actor, "pk", 0)
    return sponsor_id == application.sponsor_id and not access.is_back_office(actor)


def consents_request(
    application: Application, items: list[ApplicationItem], *, actor: Any, law: Law
) -> bool:
    """Ask each party the kind names for each item; True when any consent is still pending."""
    kind = kind_of(application)
    now = timezone.now()
    rows = []
    for item in items:
        for asked in kind.consents(item, law):
            given = _given_by_submitting(application, item, asked.party, asked.sponsor_id, actor)
            rows.append(
                Consent(
                    item=item,
                    party=asked.party,
                    sponsor_id=asked.sponsor_id,
                    decision=ConsentDecision.GIVEN if given else ConsentDecision.PENDING,
                    decided_at=now if given else None,
                    decided_by=actor_or_none(actor) if given else None,
                    note="by submitting" if given else "",
                )
            )
    Consent.objects.bulk_create(rows)
    return any(row.decision == ConsentDecision.PENDING for row in rows)


def all_given(item: ApplicationItem) -> bool:
    return not item.consents.exclude(decision=ConsentDecision.GIVEN).exists()
