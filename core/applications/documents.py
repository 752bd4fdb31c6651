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
from core.applications.machine import applications_transition
from core.applications.models import Application, ApplicationItem, DocumentRequest
from core.applications.states import GONE_ITEM_STATES, State
from core.documents.models import Document, DocumentUse
from core.documents.requirements import Asked, Missing, Resolved, resolve_many
from core.events import ApplicationEventKind


def whose_it_is(person_id: int | None, sponsor_id: int | None) -> dict[str, int]:
    """How the history names whose a document is: a person, or a company's own papers."""
    return {"person_id": person_id} if person_id is not None else {"sponsor_id": sponsor_id}


def documents_required() -> bool:
    return bool(settings.RENEWAL_RULES["REQUIRE_DOCUMENTS"])


def _resolve_items(items: list[ApplicationItem], on_date: dt.date | None) -> list[list[Resolved]]:
    """What each item needs, by the article and relation it was made for and its kind's
    purpose, with the archive's documents that meet it; read at once for all the items
    (each with its application and sponsor loaded)."""
    asked = [
        Asked(
            item.person,
            item.article,
            item.relation or None,
            kind_of(item.application).document_purpose,
            item.application.sponsor,
        )
        for item in items
    ]
    return resolve_many(asked, on_date) if asked else []


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
    if items is None:
        items = list(
            application.items.exclude(state__in=GONE_ITEM_STATES).select_related(
                "person", "permit", "application__sponsor"
            )
        )
    return _attach(items, on_date, new_items=new_items)


def _attach(
    items: list[ApplicationItem], on_date: dt.date | None, *, new_items: bool
) -> AttachResult:
    """``attach_documents`` for live items of any applications at once."""
    result = AttachResult()
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
        gaps = [r.missing for r in resolved if r.document is None]
        if gaps:
            result.missing[item.pk] = gaps
    replaced = [pk for key, pk in used.items() if key not in chosen_uses]
    if replaced:
        DocumentUse.objects.filter(pk__in=replaced).delete()
    if new_uses:
        DocumentUse.objects.bulk_create(new_uses)
    return result


def open_requests(application: Application) -> QuerySet[DocumentRequest]:
    """Requests not yet met: no document of that kind uploaded for that person (or that
    company) since."""
    uploaded_since = Document.objects.filter(
        Q(owner_id=OuterRef("owner_id")) | Q(sponsor_id=OuterRef("sponsor_id")),
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


def request_missing(
    applications: list[Application], items: list[ApplicationItem]
) -> dict[int, list[dict[str, Any]]]:
    """For applications whose checks have all cleared, with their live ``items`` (loaded with
    person, permit and application): attach what the archive holds; ask for the rest (each
    document once: one already asked for and not yet provided is not asked again). Answers,
    by application, what is still missing as the history says it (empty: nothing is). The
    same few statements however many applications."""
    result = _attach(items, None, new_items=False)
    application_of = {item.pk: item.application_id for item in items}
    unfulfilled = set(
        DocumentRequest.objects.filter(
            item_id__in=application_of, fulfilled_at__isnull=True
        ).values_list("item_id", "kind", "owner_id", "sponsor_id")
    )
    gaps = {
        (item_id, gap.kind, gap.owner_id, gap.sponsor_id): gap
        for item_id, item_gaps in result.missing.items()
        for gap in item_gaps
    }
    DocumentRequest.objects.bulk_create(
        DocumentRequest(
            item_id=item_id,
            kind=kind,
            owner_id=owner_id,
            sponsor_id=sponsor_id,
            reason=f"{gap.reason} for the application",
            requested_by=None,
        )
        for (item_id, kind, owner_id, sponsor_id), gap in gaps.items()
        if (item_id, kind, owner_id, sponsor_id) not in unfulfilled
    )
    missing: dict[int, list[dict[str, Any]]] = {a.pk: [] for a in applications}
    for (item_id, kind, owner_id, sponsor_id), gap in gaps.items():
        missing[application_of[item_id]].append(
            {
                **whose_it_is(owner_id, sponsor_id),
                "kind": kind,
                "reason": f"{gap.reason} for the application",
            }
        )
    # Asked for otherwise (an officer's request): missing until something is uploaded.
    others = {application_of[r[0]] for r in unfulfilled if r not in gaps}
    for application in applications:
        if application.pk in others:
            missing[application.pk] += [
                {**whose_it_is(r.owner_id, r.sponsor_id), "kind": r.kind, "reason": r.reason}
                for r in open_requests(application)
                if (r.item_id, r.kind, r.owner_id, r.sponsor_id) not in gaps
            ]
    return missing


def wait_for_documents(
    applications: list[Application],
    *,
    actor: Any = None,
    reason: str,
    missing: dict[int, list[dict[str, Any]]] | None = None,
) -> None:
    """The applications wait for the documents ``missing`` (by application: ``request_missing``'s
    answer; by default what is asked for and not yet uploaded)."""
    if not applications:
        return
    if missing is None:
        missing = {
            application.pk: [
                {**whose_it_is(r.owner_id, r.sponsor_id), "kind": r.kind, "reason": r.reason}
                for r in open_requests(application)
            ]
            for application in applications
        }
    applications_transition(applications, State.WAITING_FOR_DOCUMENTS, actor=actor, reason=reason)
    for application in applications:
        record_event(
            application,
            actor=actor,
            kind=ApplicationEventKind.DOCUMENTS,
            detail={"missing": missing[application.pk]},
        )
