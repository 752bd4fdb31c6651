"""An application's documents: the archive's valid ones attached on submit, the rest asked
for (``DocumentRequest``), and waiting for them.

Which documents a person needs is data (``core.documents.requirements``), by the kind's
``document_purpose``; whether they are required before payment is policy
(``RENEWAL_RULES["REQUIRE_DOCUMENTS"]``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.applications.history import record_event
from core.applications.kinds import kind_of
from core.applications.machine import application_transition
from core.applications.models import Application, ApplicationItem, DocumentRequest
from core.applications.states import GONE_ITEM_STATES, State
from core.documents.models import Document, DocumentUse
from core.documents.requirements import Missing, Resolved, resolve
from core.events import ApplicationEventKind


def whose_it_is(person_id: int | None, sponsor_id: int | None) -> dict[str, int]:
    """How the history names whose a document is: a person, or a company's own papers."""
    return {"person_id": person_id} if person_id is not None else {"sponsor_id": sponsor_id}


def documents_required() -> bool:
    return bool(settings.RENEWAL_RULES["REQUIRE_DOCUMENTS"])


def _resolve_item(item: ApplicationItem, on_date: dt.date | None) -> list[Resolved]:
    """By the article and relation the item was made for (a transfer's: the new ones)."""
    purpose = kind_of(item.application).document_purpose
    return resolve(
        item.person,
        item.article,
        item.relation or None,
        on_date,
        purpose=purpose,
        sponsor=item.application.sponsor,
    )


def documents_for_item(item: ApplicationItem, on_date: dt.date | None = None) -> list[Document]:
    """The valid archived documents that meet an item's needs (one per need)."""
    return [r.document for r in _resolve_item(item, on_date) if r.document is not None]


@dataclass
class AttachResult:
    attached: dict[int, list[Document]] = field(default_factory=dict)  # by item id
    missing: dict[int, list[Missing]] = field(default_factory=dict)  # by item id; only gaps

    @property
    def complete(self) -> bool:
        return not self.missing


def attach_documents(application: Application, on_date: dt.date | None = None) -> AttachResult:
    """Record, for each live item, which archived documents it uses (replacing what an earlier
    call recorded), and answer what is still missing per item. Call inside the caller's
    transaction; calling it again after new uploads brings the record up to date."""
    result = AttachResult()
    items = application.items.exclude(state__in=GONE_ITEM_STATES).select_related(
        "person", "permit", "application__sponsor"
    )
    for item in items:
        resolved = _resolve_item(item, on_date)
        chosen = {r.document.pk: r for r in resolved if r.document is not None}
        DocumentUse.objects.filter(item=item).exclude(document_id__in=chosen).delete()
        already = set(DocumentUse.objects.filter(item=item).values_list("document_id", flat=True))
        DocumentUse.objects.bulk_create(
            DocumentUse(item=item, document_id=pk, whose=r.need.whose)
            for pk, r in chosen.items()
            if pk not in already
        )
        result.attached[item.pk] = [r.document for r in chosen.values()]
        gaps = [r.missing for r in resolved if r.document is None]
        if gaps:
            result.missing[item.pk] = gaps
    return result


def open_requests(application: Application) -> QuerySet[DocumentRequest]:
    """Requests not yet met: no document of that kind uploaded for that person since."""
    uploaded_since = Document.objects.filter(
        Q(owner_id=OuterRef("owner_id")) | Q(sponsor_id=OuterRef("sponsor_id")),
        kind=OuterRef("kind"),
        uploaded_at__gt=OuterRef("requested_at"),
    )
    return DocumentRequest.objects.filter(
        item__application=application, fulfilled_at__isnull=True
    ).exclude(Exists(uploaded_since))


def attach_and_report(application: Application, *, actor: Any) -> None:
    """On submit: attach the valid archived documents and say, in the history, what is
    missing — the applicant can upload it while the agencies check."""
    result = attach_documents(application)
    missing = [
        {**whose_it_is(gap.owner_id, gap.sponsor_id), "kind": gap.kind, "reason": gap.reason}
        for gaps in result.missing.values()
        for gap in gaps
    ]
    attached = sum(len(docs) for docs in result.attached.values())
    record_event(
        application,
        actor=actor,
        kind=ApplicationEventKind.DOCUMENTS,
        detail={"attached": attached, "missing": missing},
    )


def request_missing(application: Application) -> bool:
    """Attach what the archive holds; ask for the rest. True when nothing is missing."""
    result = attach_documents(application)
    for item_id, gaps in result.missing.items():
        for gap in gaps:
            DocumentRequest.objects.get_or_create(
                item_id=item_id,
                kind=gap.kind,
                owner_id=gap.owner_id,
                sponsor_id=gap.sponsor_id,
                fulfilled_at__isnull=True,
                defaults={"reason": f"{gap.reason} for the application", "requested_by": None},
            )
    return result.complete and not open_requests(application).exists()


def wait_for_documents(application: Application, *, actor: Any, reason: str) -> None:
    missing = [
        {**whose_it_is(r.owner_id, r.sponsor_id), "kind": r.kind, "reason": r.reason}
        for r in open_requests(application)
    ]
    application_transition(application, State.WAITING_FOR_DOCUMENTS, actor=actor, reason=reason)
    record_event(
        application,
        actor=actor,
        kind=ApplicationEventKind.DOCUMENTS,
        detail={"missing": missing},
    )
