"""Who may see and add documents — beside ``core.access``, on the same definitions.

Narrower than seeing a person: a wife may see her husband's name (he is her sponsor) but not
his passport. Documents of a person are for:

- the person themself;
- users who may view the workers of a sponsor the person currently depends on (an active
  ``Dependent``) — the documents archived since the person joined that file, never what an
  earlier sponsor or the person archived before (a civil ID and a name are no secret: putting
  somebody on one's file must not open their archive);
- users who act for a sponsor that holds a live permit of the person — the documents archived
  since the permit came to that sponsor (``ResidencyPermit.sponsored_since``: by a transfer);
- users who act for a sponsor asking to transfer a resident (an open transfer item) — the
  documents archived since that request;
- for a visitor from abroad (no civil ID), users who act for a host who applied for them — the
  documents archived since the host's first application for them;
- back-office staff.

A sponsor's own papers (a company's licence, its authorised signatory) are for those who may
view its workers, and the back office. Adding documents takes ``renew`` where seeing them takes
``view_workers`` (a person's own and the back office: always). An ex-sponsor loses access once
the dependency has ended and the permit is cancelled. Anything else answers as if it did not
exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from core import access
from core.documents.models import Document
from core.models import Dependent, Person
from core.scopes import Scope


def document_people(user: Any, scope: str = Scope.VIEW_WORKERS) -> QuerySet[Person]:
    """People whose documents the user may see and download (``view_workers``), or add
    (``renew``)."""
    if access.is_back_office(user):
        return Person.objects.all()
    if not access.signed_in(user):
        return Person.objects.none()
    represented = access.sponsor_ids_with(user, scope)
    ids = Person.objects.filter(
        access.own(user, "user_id")
        | Q(sponsorships__sponsor__in=represented, sponsorships__ended_on__isnull=True)
        | Q(permits__sponsor__in=represented, permits__cancelled_at__isnull=True)
        | Q(civil_id__isnull=True, application_items__application__sponsor__in=represented)
        | Q(
            application_items__application__sponsor__in=represented,
            application_items__from_article__isnull=False,  # a transfer
            application_items__open_person__isnull=False,  # still open
        )
    ).values("pk")
    return Person.objects.filter(pk__in=ids)


def visible_documents(user: Any) -> QuerySet[Document]:
    if access.is_back_office(user):
        return Document.objects.all()
    if not access.signed_in(user):
        return Document.objects.none()
    represented = access.sponsor_ids_with(user, Scope.VIEW_WORKERS)
    since_joining = Dependent.objects.filter(
        person_id=OuterRef("owner_id"),
        sponsor__in=represented,
        ended_on__isnull=True,
        joined_at__lte=OuterRef("uploaded_at"),
    )
    permit_holder = Q(
        owner__permits__sponsor__in=represented, owner__permits__cancelled_at__isnull=True
    ) & (
        Q(owner__permits__sponsored_since__isnull=True)
        | Q(owner__permits__sponsored_since__lte=F("uploaded_at"))
    )
    transfer_asked = Q(
        owner__application_items__application__sponsor__in=represented,
        owner__application_items__from_article__isnull=False,
        owner__application_items__open_person__isnull=False,
        owner__application_items__application__created_at__lte=F("uploaded_at"),
    )
    since_hosting = Q(
        owner__civil_id__isnull=True,
        owner__application_items__application__sponsor__in=represented,
        owner__application_items__application__created_at__lte=F("uploaded_at"),
    )
    ids = Document.objects.filter(
        access.own(user, "owner__user_id")
        | Q(sponsor__in=represented)
        | Exists(since_joining)
        | permit_holder
        | transfer_asked
        | since_hosting
    ).values("pk")
    return Document.objects.filter(pk__in=ids)


def may_manage_documents_of(
    user: Any, person_id: int | None, scope: str = Scope.VIEW_WORKERS
) -> bool:
    return person_id is not None and document_people(user, scope).filter(pk=person_id).exists()


def may_manage_sponsor_documents(user: Any, sponsor_id: int | None, scope: str) -> bool:
    """Whether the user may see (``view_workers``) or add (``renew``) a sponsor's own papers: a
    company, government body or mission (an individual's papers are their person's)."""
    return (
        sponsor_id is not None
        and access.actable_sponsors(user, scope).filter(pk=sponsor_id, person__isnull=True).exists()
    )
