"""Documents in a renewal: attached from the archive on submit, asked for when missing or when
an officer wants a new one, and the way back to checking once they are uploaded.

Whether documents are required before payment is policy (``RENEWAL_RULES["REQUIRE_DOCUMENTS"]``);
what each person needs is data (``core.documents.requirements``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import access
from core.documents.kinds import DocumentKind
from core.documents.models import Document
from core.documents.requirements import attach_documents
from core.errors import DomainError, DomainErrors, RenewalErrorCode
from core.names import free_text
from core.renewals import eligibility
from core.renewals.models import DocumentRequest, RenewalApplication
from core.renewals.services import _owned_application, application_transition, record_event
from core.renewals.states import State


def documents_required() -> bool:
    return bool(eligibility.rules()["REQUIRE_DOCUMENTS"])


def open_requests(application: RenewalApplication):
    """Requests not yet met: no document of that kind uploaded for that person since."""
    uploaded_since = Document.objects.filter(
        owner_id=OuterRef("owner_id"),
        kind=OuterRef("kind"),
        uploaded_at__gt=OuterRef("requested_at"),
    )
    return DocumentRequest.objects.filter(
        item__application=application, fulfilled_at__isnull=True
    ).exclude(Exists(uploaded_since))


def attach_and_report(application: RenewalApplication, *, actor: Any) -> None:
    """On submit: attach the valid archived documents and say, in the history, what is
    missing — the applicant can upload it while the agencies check."""
    result = attach_documents(application)
    missing = [
        {"person_id": gap.owner_id, "kind": gap.kind, "reason": gap.reason}
        for gaps in result.missing.values()
        for gap in gaps
    ]
    attached = sum(len(docs) for docs in result.attached.values())
    record_event(
        application,
        actor=actor,
        kind="documents",
        detail={"attached": attached, "missing": missing},
    )


def request_missing(application: RenewalApplication, *, actor: Any) -> bool:
    """Attach what the archive holds; ask for the rest. True when nothing is missing."""
    result = attach_documents(application)
    for item_id, gaps in result.missing.items():
        for gap in gaps:
            DocumentRequest.objects.get_or_create(
                item_id=item_id,
                kind=gap.kind,
                owner_id=gap.owner_id,
                fulfilled_at__isnull=True,
                defaults={"reason": f"{gap.reason} for the renewal", "requested_by": None},
            )
    return result.complete and not open_requests(application).exists()


def wait_for_documents(application: RenewalApplication, *, actor: Any, reason: str) -> None:
    missing = [
        {"person_id": r.owner_id, "kind": r.kind, "reason": r.reason}
        for r in open_requests(application)
    ]
    application_transition(application, State.WAITING_FOR_DOCUMENTS, actor=actor, reason=reason)
    record_event(application, actor=actor, kind="documents", detail={"missing": missing})


@transaction.atomic
def renewal_request_document(
    *, actor: Any, application_id: int | None, person_id: int | None, kind: str, reason: str
) -> RenewalApplication:
    """An officer asks for a new document; the application waits for it."""
    if not access.is_back_office(actor):
        raise DomainError(RenewalErrorCode.NOT_FOUND, "applicationId")
    application = _owned_application(actor, application_id)
    if kind not in DocumentKind.values:
        raise DomainError(RenewalErrorCode.UNKNOWN_DOCUMENT_KIND, "kind")
    reason = free_text(reason, 200)
    if reason is None:
        raise DomainError(RenewalErrorCode.INVALID_TEXT, "reason")
    item = application.items.filter(person_id=person_id).first()
    if item is None:
        raise DomainError(RenewalErrorCode.UNKNOWN_PERSON, "personId")
    if application.state not in (
        State.CHECKING,
        State.WAITING_FOR_DOCUMENTS,
        State.AWAITING_PAYMENT,
    ):
        raise DomainError(RenewalErrorCode.WRONG_STATE, None, {"state": application.state})
    DocumentRequest.objects.create(
        item=item, kind=kind, owner_id=person_id, reason=reason, requested_by=actor
    )
    if application.state == State.WAITING_FOR_DOCUMENTS:
        record_event(
            application,
            actor=actor,
            kind="documents",
            detail={"missing": [{"person_id": person_id, "kind": kind, "reason": reason}]},
        )
    else:
        wait_for_documents(application, actor=actor, reason=reason)
    return application


@transaction.atomic
def renewal_documents_provided(*, actor: Any, application_id: int | None) -> RenewalApplication:
    """The applicant has uploaded what was asked: check, and go back to checking."""
    from core.renewals.checks import application_progress

    application = _owned_application(actor, application_id)
    if application.state != State.WAITING_FOR_DOCUMENTS:
        raise DomainError(RenewalErrorCode.WRONG_STATE, None, {"state": application.state})
    attach_documents(application)
    still_open = list(open_requests(application))
    if still_open:
        raise DomainErrors(
            DomainError(
                RenewalErrorCode.DOCUMENT_MISSING, f"people.{r.owner_id}.{r.kind}", {"kind": r.kind}
            )
            for r in still_open
        )
    DocumentRequest.objects.filter(item__application=application, fulfilled_at__isnull=True).update(
        fulfilled_at=timezone.now()
    )
    application_transition(application, State.CHECKING, actor=actor, reason="documents provided")
    application_progress(application.pk)
    application.refresh_from_db()
    return application
