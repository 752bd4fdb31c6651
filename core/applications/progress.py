"""What happens when an application's checks settle or its documents arrive: the one place.

Blocked people leave the application (rejected); when nobody is left it is rejected. When
every check of the people left has cleared and the documents are all there, it starts a new
round of awaiting payment: the payment stage prices it and keeps the quote (``payments``
implements the stage: pricing is payments' to answer, and the domain never imports it), then
the application moves on with its amount due. Otherwise it waits for the documents it lacks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from core.applications.documents import documents_required, request_missing, wait_for_documents
from core.applications.machine import application_transition
from core.applications.models import Application, ApplicationItem, CheckStatus
from core.applications.states import CHECKING_STATES, GONE_ITEM_STATES, State


class PaymentStage(Protocol):
    def quote(self, application: Application) -> Decimal | None:
        """Price the application for its current ``payment_round``, keep the quote and
        answer its total (None when it cannot be priced yet). Called with the application's
        row locked, inside the transaction that moves it to awaiting payment."""


_stage: list[PaymentStage] = []


def use_payment_stage(stage: PaymentStage) -> None:
    """Install the payment stage (``payments``' app config does, at start)."""
    _stage[:] = [stage]


def payment_stage() -> PaymentStage:
    if not _stage:
        raise ImproperlyConfigured("no payment stage installed: is 'payments' in INSTALLED_APPS?")
    return _stage[0]


def application_progress(application_id: int) -> Application:
    """Call inside a transaction, after a check finished or documents were provided."""
    application = (
        Application.objects.select_for_update(of=("self",), no_key=True)
        .select_related("sponsor")
        .get(pk=application_id)
    )
    applications_progress([application])
    return application


def applications_progress(applications: list[Application]) -> None:
    """``application_progress`` for applications already locked by the caller (a worker's
    batch of answers), their live items and checks read at once, and those whose checks have
    all cleared moved on together."""
    checking = [a for a in applications if a.state in CHECKING_STATES]
    if not checking:
        return
    live: dict[int, list[ApplicationItem]] = {a.pk: [] for a in checking}
    by_id = {a.pk: a for a in checking}
    items = (
        ApplicationItem.objects.filter(application_id__in=live)
        .exclude(state__in=GONE_ITEM_STATES)
        .select_related("person", "permit")
        .prefetch_related("checks")
    )
    for item in items:
        item.application = by_id[item.application_id]
        live[item.application_id].append(item)
    cleared = {}
    for application in checking:
        remaining = _unblocked(application, live[application.pk])
        statuses = [check.status for item in remaining for check in item.checks.all()]
        if application.state == State.CHECKING and all(s == CheckStatus.CLEAR for s in statuses):
            cleared[application.pk] = (application, remaining)
    if not cleared:
        return
    ready = [application for application, _ in cleared.values()]
    if documents_required():
        every_item = [item for _, remaining in cleared.values() for item in remaining]
        missing = request_missing(ready, every_item)
        waiting = [application for application in ready if missing[application.pk]]
        wait_for_documents(waiting, reason="documents missing", missing=missing)
        ready = [application for application in ready if not missing[application.pk]]
    for application in ready:
        application.payment_round += 1
        application.amount_due = payment_stage().quote(application)
        application.save(update_fields=["payment_round", "amount_due", "updated_at"])
        application_transition(application, State.AWAITING_PAYMENT, actor=None)


def _unblocked(application: Application, live: list[ApplicationItem]) -> list[ApplicationItem]:
    """Blocked people leave the application (rejected; rejected itself when nobody is
    left); the people left."""
    for item in live:
        if any(c.status == CheckStatus.BLOCKED for c in item.checks.all()):
            item.state = State.REJECTED
            item.open_person = None
            item.save(update_fields=["state", "open_person"])
    remaining = [item for item in live if item.state != State.REJECTED]
    if not remaining:
        application_transition(
            application, State.REJECTED, actor=None, reason="every person was blocked by a check"
        )
    return remaining
