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
from django.db.models import Exists, OuterRef, QuerySet

from core.applications.history import record_event
from core.applications.kinds import kind_of
from core.applications.machine import application_transition
from core.applications.models import Application, ApplicationItem, DocumentRequest
from core.applications.states import GONE_ITEM_STATES, State
from core.documents.models import Document, DocumentUse
from core.documents.requirements import Asked, Missing, Resolved, resolve_many
from core.events import ApplicationEventKind


def documents_required() -> bool:
    return bool(settings.RENEWAL_RULES["REQUIRE_DOCUMENTS"])


def _resolve_items(items: list[ApplicationItem], on_date: dt.date | None) -> list[list[Resolved]]:
    """What each item of one application needs, by the article and relation the item was made
    for, with the archive's documents that meet it; read at once for all the items."""
    if not items:
        return []
    application = items[0].application
    asked = [Asked(item.person, item.article, item.relation or None) for item in items]
    purpose = kind_of(application).document_purpose
    return resolve_many(asked, on_date, purpose=purpose, sponsor=application.sponsor)


def documents_for_item(item: ApplicationItem, on_date: dt.date | None = None) -> list[Document]:
    """The valid archived documents that meet an item's needs (one per need)."""
    (resolved,) = _resolve_items([item], on_date)
    return [r.document for r in resolved if r.document is not None]


@dataclass
class AttachResult:
    attached: dict[int, list[Document]] = field(default_factory=dict)  # by item id
    missing: dict[int, list[Missing]] = field(default_factory=dict)  # by item id; only gaps

    @property
    def complete(self) -> bool:
        return not self.missing


def attach_documents(
    application: Application,
    on_date: dt.date | None = None,
    *,
    items: list[ApplicationItem] | None = None,
    new_items: bool = False,
) -> AttachResult:
    """Record, for each live item (``items``, when the caller has them loaded; ``new_items``:
    just made, using nothing yet), which archived documents it uses (replacing what an earlier
    call recorded), and answer what is still missing per item. Call inside the caller's
    transaction; calling it again after new uploads brings the record up to date. The same
    few statements however many people the application has."""
    result = AttachResult()
    if items is None:
        items = list(
            application.items.exclude(state__in=GONE_ITEM_STATES).select_related(
                "person", "permit", "application__sponsor"
            )
        )
    uses = DocumentUse.objects.filter(item__in=items).only("pk", "item_id", "document_id")
    used = {} if new_items else {(use.item_id, use.document_id): use.pk for use in uses}
    chosen_uses: set[tuple[int, int]] = set()
    new_uses = []
    for item, resolved in zip(items, _resolve_items(items, on_date), strict=True):
        chosen = {r.document.pk: r for r in resolved if r.document is not None}
        for pk, r in chosen.items():
            chosen_uses.add((item.pk, pk))
            if (item.pk, pk) not in used:
                new_uses.append(DocumentUse(item=item, document_id=pk, whose=r.need.whose))
        result.attached[item.pk] = [r.document for r in chosen.values()]
        gaps = [
            Missing(r.need.kind, r.need.whose, r.owner_id, r.expired_on)
            for r in resolved
            if r.document is None
        ]
        if gaps:
            result.missing[item.pk] = gaps
    replaced = [pk for key, pk in used.items() if key not in chosen_uses]
    if replaced:
        DocumentUse.objects.filter(pk__in=replaced).delete()
    if new_uses:
        DocumentUse.objects.bulk_create(new_uses)
    return result


def open_requests(application: Application) -> QuerySet[DocumentRequest]:
    """Requests not yet met: no document of that kind uploaded for that person since."""
    uploaded_since = Document.objects.filter(
        owner_id=OuterRef("owner_id"),
        kind=OuterRef("kind"),
        uploaded_at__gt=OuterRef("requested_at"),
    )
    return DocumentRequest.objects.filter(
        item__application=application, fulfilled_at__isnull=True
    ).exclude(Exists(uploaded_since))


def attach_and_report(
    application: Application,
    *,
    actor: Any,
    items: list[ApplicationItem] | None = None,
    new_items: bool = False,
) -> None:
    """On submit: attach the valid archived documents and say, in the history, what is
    missing — the applicant can upload it while the agencies check."""
    result = attach_documents(application, items=items, new_items=new_items)
    missing = [
        {"person_id": gap.owner_id, "kind": gap.kind, "reason": gap.reason}
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


def request_missing(
    application: Application, items: list[ApplicationItem] | None = None
) -> list[dict[str, Any]]:
    """Attach what the archive holds for the live items (``items`` when loaded); ask for the
    rest (each document once: one already asked for and not yet provided is not asked again).
    Answers what is still missing, as the history says it (empty: nothing is)."""
    result = attach_documents(application, items=items)
    unfulfilled = set(
        DocumentRequest.objects.filter(
            item__application=application, fulfilled_at__isnull=True
        ).values_list("item_id", "kind", "owner_id")
    )
    gaps = {
        (item_id, gap.kind, gap.owner_id): gap
        for item_id, item_gaps in result.missing.items()
        for gap in item_gaps
    }
    DocumentRequest.objects.bulk_create(
        DocumentRequest(
            item_id=item_id,
            kind=kind,
            owner_id=owner_id,
            reason=f"{gap.reason} for the application",
            requested_by=None,
        )
        for (item_id, kind, owner_id), gap in gaps.items()
        if (item_id, kind, owner_id) not in unfulfilled
    )
    missing = [
        {"person_id": owner_id, "kind": kind, "reason": f"{gap.reason} for the application"}
        for (_, kind, owner_id), gap in gaps.items()
    ]
    if any(request not in gaps for request in unfulfilled):
        # Asked for otherwise (an officer's request): missing until something is uploaded.
        missing += [
            {"person_id": r.owner_id, "kind": r.kind, "reason": r.reason}
            for r in open_requests(application)
            if (r.item_id, r.kind, r.owner_id) not in gaps
        ]
    return missing


def wait_for_documents(
    application: Application,
    *,
    actor: Any,
    reason: str,
    missing: list[dict[str, Any]] | None = None,
) -> None:
    """Wait for the documents ``missing`` (``request_missing``'s answer; by default what is
    asked for and not yet uploaded)."""
    if missing is None:
        missing = [
            {"person_id": r.owner_id, "kind": r.kind, "reason": r.reason}
            for r in open_requests(application)
        ]
    application_transition(application, State.WAITING_FOR_DOCUMENTS, actor=actor, reason=reason)
    record_event(
        application,
        actor=actor,
        kind=ApplicationEventKind.DOCUMENTS,
        detail={"missing": missing},
    )
