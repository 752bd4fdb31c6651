"""What happens when an application's checks settle or its documents arrive: the one place.

Blocked people leave the application (rejected); when nobody is left it is rejected. A person
whose check an officer must review moves to an application of their own (``split_off``), so
that nobody else on the application waits for the officer: a company's hundreds of workers
are paid for as soon as they have cleared. When every check of the people left has cleared
and the documents are all there, it starts a new round of awaiting payment: the payment stage
prices it and keeps the quote (``payments`` implements the stage: pricing is payments' to
answer, and the domain never imports it), then the application moves on with its amount due.
Otherwise it waits for the documents it lacks.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count

from core.applications.documents import documents_required, request_missing, wait_for_documents
from core.applications.history import record_event
from core.applications.machine import application_transition
from core.applications.models import AgencyCheck, Application, ApplicationItem, CheckStatus
from core.applications.states import CHECKING_STATES, GONE_ITEM_STATES, State
from core.events import ApplicationEventKind


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
    batch of answers). Where the checks stand is counted first (one query for the batch,
    whatever the number of people): only the people a check blocked or sent to review are
    read, and everyone only once every check has cleared; those applications move on
    together."""
    checking = {a.pk: a for a in applications if a.state in CHECKING_STATES}
    if not checking:
        return
    tally = _tally(checking)
    troubled = [pk for pk, counts in tally.items() if counts[BLOCKED] or counts[REVIEW]]
    if troubled:
        _set_aside([checking[pk] for pk in troubled])
        tally.update(_tally({pk: checking[pk] for pk in troubled}))
    ready = [
        application
        for application in checking.values()
        if application.state == State.CHECKING
        and tally[application.pk]
        and set(tally[application.pk]) == {CheckStatus.CLEAR}
    ]
    if ready:
        _move_on(ready)


BLOCKED, REVIEW = CheckStatus.BLOCKED, CheckStatus.REVIEW


def _tally(applications: dict[int, Application]) -> dict[int, Counter]:
    """The live people's checks of each application, counted by status."""
    tally: dict[int, Counter] = {pk: Counter() for pk in applications}
    rows = (
        AgencyCheck.objects.filter(item__application_id__in=applications)
        .exclude(item__state__in=GONE_ITEM_STATES)
        .values_list("item__application_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for application_id, status, n in rows:
        tally[application_id][status] = n
    return tally


def _set_aside(applications: list[Application]) -> None:
    """Blocked people leave their application (rejected; the application too when nobody is
    left). A person whose check waits for an officer moves to an application of their own,
    which goes on once the officer decides: nobody else waits for them."""
    by_id = {a.pk: a for a in applications}
    items = list(
        ApplicationItem.objects.filter(application_id__in=by_id)
        .exclude(state__in=GONE_ITEM_STATES)
        .filter(checks__status__in=[BLOCKED, REVIEW])
        .distinct()
        .prefetch_related("checks")
    )
    blocked = [i for i in items if any(c.status == BLOCKED for c in i.checks.all())]
    if blocked:
        ApplicationItem.objects.filter(pk__in=[i.pk for i in blocked]).update(
            state=State.REJECTED, open_person=None
        )
    live = dict(
        ApplicationItem.objects.filter(application_id__in=by_id)
        .exclude(state__in=GONE_ITEM_STATES)
        .values_list("application_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for application in applications:
        if not live.get(application.pk):
            application_transition(
                application,
                State.REJECTED,
                actor=None,
                reason="every person was blocked by a check",
            )
            continue
        in_review = [i for i in items if i.application_id == application.pk and i not in blocked]
        if in_review and live[application.pk] > len(in_review):
            for item in in_review:
                split_off(application, item)


def split_off(application: Application, item: ApplicationItem) -> Application:
    """Move a person, with their checks and documents, from ``application`` to an application
    of their own of the same kind and sponsor, checking; both histories say so."""
    own = Application.objects.create(
        sponsor_id=application.sponsor_id,
        kind=application.kind,
        created_by_id=application.created_by_id,
        state=State.CHECKING,
        submitted_at=application.submitted_at,
    )
    ApplicationItem.objects.filter(pk=item.pk).update(application=own, state=State.CHECKING)
    item.application, item.application_id = own, own.pk
    record_event(
        application,
        actor=None,
        kind=ApplicationEventKind.SPLIT,
        detail={"person_id": item.person_id, "application_id": own.pk},
    )
    record_event(
        own,
        actor=None,
        kind=ApplicationEventKind.TRANSITION,
        to_state=State.CHECKING,
        detail={"reason": "a check waits for an officer", "split_from": application.pk},
    )
    return own


def _move_on(ready: list[Application]) -> None:
    """Applications whose every check has cleared: their documents attached and the missing
    asked for (then they wait), else priced and awaiting payment."""
    by_id = {a.pk: a for a in ready}
    items = list(
        ApplicationItem.objects.filter(application_id__in=by_id)
        .exclude(state__in=GONE_ITEM_STATES)
        .select_related("person", "permit")
        .prefetch_related("checks")
    )
    for item in items:
        item.application = by_id[item.application_id]
    if documents_required():
        missing = request_missing(ready, items)
        waiting = [application for application in ready if missing[application.pk]]
        wait_for_documents(waiting, reason="documents missing", missing=missing)
        ready = [application for application in ready if not missing[application.pk]]
    for application in ready:
        application.payment_round += 1
        application.amount_due = payment_stage().quote(application)
        application.save(update_fields=["payment_round", "amount_due", "updated_at"])
        application_transition(application, State.AWAITING_PAYMENT, actor=None)
