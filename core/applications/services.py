"""Writes on applications of any kind: create with people, add people, choose durations, submit,
cancel, the parties' consents, and the applicant's and officers' document steps.

Each is one transaction on the application's locked row; every state change goes through
``machine.application_transition``, is recorded in the history and announced after commit.
Acting takes the sponsor's ``renew`` scope (``selectors.actable_applications``); creating,
submitting, cancelling and the parties' consents are written in the sponsor's audit log.
What people a kind accepts, and what stops them, is the kind's (``kinds``).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import access
from core.applications.consents import all_given, consents_request
from core.applications.documents import (
    attach_and_report,
    attach_documents,
    open_requests,
    wait_for_documents,
)
from core.applications.errors import ApplicationErrorCode
from core.applications.history import (
    actor_or_none,
    events_batched,
    holders_known,
    record_event,
)
from core.applications.kinds import KINDS, PersonChoice, kind_of
from core.applications.machine import application_transition
from core.applications.models import (
    AgencyCheck,
    Application,
    ApplicationItem,
    Consent,
    ConsentDecision,
    DocumentRequest,
)
from core.applications.progress import application_progress
from core.applications.selectors import actable_applications, consents_asked_of
from core.applications.states import EDITABLE_STATES, GONE_ITEM_STATES, State
from core.documents.kinds import DocumentKind
from core.errors import DomainError, DomainErrors
from core.events import ApplicationEventKind
from core.law.rules import Law
from core.models import AuditAction
from core.names import free_text
from core.request_id import current_request_id
from core.scopes import Scope
from core.services.audit import audit


def locked_application(actor: Any, application_id: int | None) -> Application:
    """The application, locked, if the actor may act on it (``renew``); NOT_FOUND as for a
    missing one."""
    application = (
        actable_applications(actor, Scope.RENEW)
        .select_for_update(of=("self",), no_key=True)
        .select_related("sponsor__person")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "applicationId")
    return application


def _editable(actor: Any, application_id: int | None) -> Application:
    application = locked_application(actor, application_id)
    if application.state not in EDITABLE_STATES:
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": application.state})
    return application


def _add_items(
    application: Application, people: list[PersonChoice], *, law: Law, months_required: bool
) -> list[ApplicationItem]:
    """Every person the kind accepts, or every reason why not, all at once. To submit at once,
    every person's months must be chosen (``months_required``)."""
    kind = kind_of(application)
    fields = [f"people.{index}" for index in range(len(people))]
    items, errors = [], []
    made = kind.new_items(application, people, fields=fields, law=law)
    for choice, field, item in zip(people, fields, made, strict=True):
        if isinstance(item, DomainError):
            errors.append(item)
            continue
        if isinstance(item, DomainErrors):
            errors += item.errors
            continue
        problems = kind.item_problems(item, months=choice.months, law=law)
        if months_required and choice.months is None:
            problems.append(DomainError(ApplicationErrorCode.DURATION_REQUIRED, "months"))
        for problem in problems:
            problem.field = f"{field}.{problem.field}"
        errors += problems
        items.append(item)
    if errors:
        raise DomainErrors(errors)
    try:
        # No savepoint: a lost race fails the whole transaction, which the error ends.
        with transaction.atomic(savepoint=False):
            for item in items:
                if item.person.pk is None:  # someone new the kind named (a visitor)
                    item.person.full_clean()
                    item.person.save()
                    item.person = item.open_person = item.person
            ApplicationItem.objects.bulk_create(items)
    except IntegrityError as exc:  # lost a race for a person to another application
        raise DomainError(ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, "people") from exc
    return items


@transaction.atomic
def application_create(
    *,
    actor: Any,
    kind: str,
    sponsor_id: int | None,
    people: list[PersonChoice],
    submit: bool = False,
) -> Application:
    """A draft with these people; with ``submit``, submitted in the same transaction (an
    integration's one call: created and checking, or, if anything stops it, nothing written)."""
    sponsor = access.actable_sponsor(actor, sponsor_id)
    if sponsor is None:
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "sponsorId")
    if not people:
        raise DomainError(ApplicationErrorCode.EMPTY_APPLICATION, "people")
    application = Application.objects.create(
        sponsor=sponsor, kind=KINDS[kind].name, created_by=actor_or_none(actor)
    )
    with events_batched():
        items = _add_items(application, people, law=Law(), months_required=submit)
        holders_known(application, items)
        record_event(
            application,
            actor=actor,
            kind=ApplicationEventKind.TRANSITION,
            to_state=State.DRAFT,
            detail={},
        )
        _audit(actor, application, AuditAction.APPLICATION_CREATED)
        if submit:  # the kind's rules were just applied, for the months chosen
            _submit(application, items, actor=actor, law=Law(), new_items=True)
    return application


def _audit(actor: Any, application: Application, action: AuditAction, **detail: Any) -> None:
    audit(
        actor=actor,
        sponsor=application.sponsor_id,
        action=action,
        target=application,
        detail={"kind": application.kind, "state": application.state, **detail},
    )


@transaction.atomic
def application_add_people(
    *, actor: Any, application_id: int | None, people: list[PersonChoice]
) -> Application:
    application = _editable(actor, application_id)
    _add_items(application, people, law=Law(), months_required=False)
    return application


@transaction.atomic
def application_choose_duration(
    *, actor: Any, application_id: int | None, person_id: int | None, months: int
) -> Application:
    application = _editable(actor, application_id)
    item = (
        application.items.select_related("person", "permit__holder", "application__sponsor__person")
        .filter(person_id=person_id)
        .first()
    )
    if item is None:
        raise DomainError(ApplicationErrorCode.UNKNOWN_PERSON, "personId")
    problems = kind_of(application).item_problems(item, months=months, law=Law())
    if problems:
        raise DomainErrors(problems)
    item.months = months
    item.save(update_fields=["months"])
    return application


@transaction.atomic
def application_submit(*, actor: Any, application_id: int | None) -> Application:
    """Validate every item again, then create one check per item per agency and start them.
    The same few statements however many people the application has."""
    application = _editable(actor, application_id)
    kind = kind_of(application)
    items = list(application.items.select_related("person", "permit__holder"))
    if not items:
        raise DomainError(ApplicationErrorCode.EMPTY_APPLICATION, "people")
    law = Law()
    errors: list[DomainError] = []
    for item in items:
        item.application = application  # one sponsor, read once for every item's rules
        if item.months is None:
            field = f"item.{item.person_id}"
            errors.append(DomainError(ApplicationErrorCode.DURATION_REQUIRED, field))
            continue
        errors += kind.item_problems(item, months=item.months, law=law)
    if errors:
        raise DomainErrors(errors)
    holders_known(application, items)
    with events_batched():
        _submit(application, items, actor=actor, law=law)
    return application


def _submit(
    application: Application,
    items: list[ApplicationItem],
    *,
    actor: Any,
    law: Law,
    new_items: bool = False,
) -> None:
    """Submitted, the archive's documents attached (``new_items``: the items were just made
    and use none yet); then the parties the kind asks are asked to consent, or the checks
    start."""
    application_transition(application, State.SUBMITTED, actor=actor, passing=True)
    _audit(actor, application, AuditAction.APPLICATION_SUBMITTED, people=len(items))
    if any(item.open_person_id is None for item in items):  # a transfer's draft
        _take_people(application)
    attach_and_report(application, actor=actor, items=items, new_items=new_items)
    if consents_request(application, items, actor=actor, law=law):
        application_transition(application, State.WAITING_FOR_CONSENT, actor=actor)
        return
    _start_checking(application, items, actor=actor)


def _take_people(application: Application) -> None:
    """Each person of a submitted application is in it alone (a transfer's draft left them
    free: a request nobody agreed to must not keep them from being renewed meanwhile)."""
    try:
        with transaction.atomic():
            application.items.filter(open_person__isnull=True).exclude(
                state__in=GONE_ITEM_STATES
            ).update(open_person=F("person"))
    except IntegrityError as exc:
        raise DomainError(ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, "people") from exc


def _start_checking(application: Application, items: list[ApplicationItem], *, actor: Any) -> None:
    """One check per item per agency the kind names: their rows are their queue, the workers
    claim them once this commits."""
    kind = kind_of(application)
    AgencyCheck.objects.bulk_create(
        AgencyCheck(item=item, agency=agency, request_id=current_request_id())
        for item in items
        for agency in kind.agencies(item)
    )
    application_transition(application, State.CHECKING, actor=actor)


@transaction.atomic
def consent_decide(*, actor: Any, consent_id: int | None, give: bool, note: str = "") -> Consent:
    """A party asked to consent decides. Deciding the same again changes nothing; once every
    party of every person left has consented the checks start; a refusal takes the person off
    the application (rejected when nobody is left)."""
    asked = consents_asked_of(actor, Scope.RENEW)
    found = asked.filter(pk=consent_id).values_list("item__application_id")
    application_id = found.first()
    if application_id is None:
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "consentId")
    application = Application.objects.select_for_update(no_key=True).get(pk=application_id[0])
    consent = Consent.objects.select_related("item__person").get(pk=consent_id)
    decision = ConsentDecision.GIVEN if give else ConsentDecision.REFUSED
    if consent.decision == decision:
        return consent
    if consent.decision != ConsentDecision.PENDING:
        decided = {"decision": consent.decision}
        raise DomainError(ApplicationErrorCode.CONSENT_ALREADY_DECIDED, "consentId", decided)
    if application.state != State.WAITING_FOR_CONSENT:
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": application.state})
    note_text = free_text(note, 200) if note else ""
    if note_text is None:
        raise DomainError(ApplicationErrorCode.INVALID_TEXT, "note")
    consent.decision, consent.decided_at = decision, timezone.now()
    consent.decided_by, consent.note = actor_or_none(actor), note_text
    consent.save(update_fields=["decision", "decided_at", "decided_by", "note"])
    item = consent.item
    audit(
        actor=actor,
        sponsor=consent.sponsor_id or application.sponsor_id,
        action=AuditAction.CONSENT_DECIDED,
        target=consent,
        detail={"party": consent.party, "decision": decision, "application_id": application.pk},
    )
    record_event(
        application,
        actor=actor,
        kind=ApplicationEventKind.CONSENT,
        detail={"person_id": item.person_id, "party": consent.party, "decision": decision},
    )
    if not give:
        item.state, item.open_person = State.REJECTED, None
        item.save(update_fields=["state", "open_person"])
    live = list(
        application.items.exclude(state__in=GONE_ITEM_STATES).select_related(
            "person", "permit__holder", "application__sponsor__person"
        )
    )
    if not live:
        application_transition(application, State.REJECTED, actor=actor, reason="consent refused")
    elif all(all_given(each) for each in live):
        with events_batched():
            _start_checking(application, live, actor=actor)
    return consent


@transaction.atomic
def application_cancel(*, actor: Any, application_id: int | None) -> Application:
    application = locked_application(actor, application_id)
    application_transition(application, State.CANCELLED, actor=actor)
    _audit(actor, application, AuditAction.APPLICATION_CANCELLED)
    return application


@transaction.atomic
def application_request_document(
    *, actor: Any, application_id: int | None, person_id: int | None, kind: str, reason: str
) -> Application:
    """An officer asks for a new document; the application waits for it."""
    if not access.is_back_office(actor):
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "applicationId")
    application = locked_application(actor, application_id)
    if kind not in DocumentKind.values:
        raise DomainError(ApplicationErrorCode.UNKNOWN_DOCUMENT_KIND, "kind")
    reason = free_text(reason, 200)
    if reason is None:
        raise DomainError(ApplicationErrorCode.INVALID_TEXT, "reason")
    item = application.items.filter(person_id=person_id).first()
    if item is None:
        raise DomainError(ApplicationErrorCode.UNKNOWN_PERSON, "personId")
    if application.state not in (
        State.CHECKING,
        State.WAITING_FOR_DOCUMENTS,
        State.AWAITING_PAYMENT,
    ):
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": application.state})
    DocumentRequest.objects.create(
        item=item, kind=kind, owner_id=person_id, reason=reason, requested_by=actor
    )
    if application.state != State.WAITING_FOR_DOCUMENTS:
        wait_for_documents([application], actor=actor, reason=reason)
        return application
    missing = [{"person_id": person_id, "kind": kind, "reason": reason}]
    record_event(
        application, actor=actor, kind=ApplicationEventKind.DOCUMENTS, detail={"missing": missing}
    )
    return application


@transaction.atomic
def application_documents_provided(*, actor: Any, application_id: int | None) -> Application:
    """The applicant has uploaded what was asked: check, and go back to checking."""
    application = locked_application(actor, application_id)
    if application.state != State.WAITING_FOR_DOCUMENTS:
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": application.state})
    attach_documents(application)
    still_open = list(open_requests(application))
    if still_open:
        raise DomainErrors(
            DomainError(
                ApplicationErrorCode.DOCUMENT_MISSING,
                f"people.{r.owner_id}.{r.kind}"
                if r.owner_id
                else f"sponsor.{r.sponsor_id}.{r.kind}",
                {"kind": r.kind},
            )
            for r in still_open
        )
    DocumentRequest.objects.filter(item__application=application, fulfilled_at__isnull=True).update(
        fulfilled_at=timezone.now()
    )
    application_transition(application, State.CHECKING, actor=actor, reason="documents provided")
    return application_progress(application.pk)
