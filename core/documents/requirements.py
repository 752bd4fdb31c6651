"""Which documents an application needs, as data, and the selectors that read the archive
against it.

A rule says: for this purpose (a renewal, a visit permit), under these articles, for a person in
these relations to their sponsor, these kinds are needed — the applicant's own ("holder") or the
individual sponsor's ("sponsor": his civil ID, his salary certificate). Rules add up: every rule
that matches contributes its needs. Company and government sponsors' own papers are not
people's documents and are not asked for here.

A document counts when it is valid on the day asked about (``Document.is_valid_on``: not
expired, and recent enough for kinds that must be, see ``kinds.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Min, Q
from django.utils import timezone

from core.articles import Article, Relation
from core.documents.kinds import DocumentKind
from core.documents.models import Document
from core.law.rules import Law
from core.models import Dependent, Person, ResidencyPermit, Sponsor


class Purpose(models.TextChoices):
    RENEWAL = "renewal", "Residency renewal"
    VISIT_PERMIT = "visit_permit", "Visit permit"


class Whose(models.TextChoices):
    HOLDER = "holder", "The applicant's"
    SPONSOR = "sponsor", "The individual sponsor's"


@dataclass(frozen=True)
class Need:
    kind: DocumentKind
    whose: Whose = Whose.HOLDER


@dataclass(frozen=True)
class Rule:
    purpose: Purpose
    needs: tuple[Need, ...]
    articles: frozenset[int] | None = None  # None: under any article
    relations: frozenset[str] | None = None  # None: in any relation

    def matches(self, purpose: str, article: int | None, relation: str | None) -> bool:
        return (
            self.purpose == purpose
            and (self.articles is None or article in self.articles)
            and (self.relations is None or relation in self.relations)
        )


K = DocumentKind
FAMILY = frozenset({Relation.SPOUSE, Relation.CHILD, Relation.PARENT})

RULES: tuple[Rule, ...] = (
    # Renewals: everyone shows who they are; family join proves the family tie and that the
    # sponsor still supports it; a private-sector worker's residency follows the work permit;
    # a domestic worker's follows the householder's own residency.
    Rule(Purpose.RENEWAL, (Need(K.PERSONAL_PHOTO), Need(K.PASSPORT_COPY))),
    Rule(Purpose.RENEWAL, (Need(K.WORK_PERMIT),), articles=frozenset({Article.PRIVATE_SECTOR})),
    Rule(
        Purpose.RENEWAL,
        (Need(K.MARRIAGE_CERTIFICATE),),
        articles=frozenset({Article.FAMILY_JOIN}),
        relations=frozenset({Relation.SPOUSE}),
    ),
    Rule(
        Purpose.RENEWAL,
        (Need(K.BIRTH_CERTIFICATE),),
        articles=frozenset({Article.FAMILY_JOIN}),
        relations=frozenset({Relation.CHILD}),
    ),
    Rule(
        Purpose.RENEWAL,
        (Need(K.SALARY_CERTIFICATE, Whose.SPONSOR), Need(K.CIVIL_ID, Whose.SPONSOR)),
        articles=frozenset({Article.FAMILY_JOIN}),
    ),
    Rule(
        Purpose.RENEWAL,
        (Need(K.CIVIL_ID, Whose.SPONSOR),),
        articles=frozenset({Article.DOMESTIC_WORKER}),
    ),
    # Visit permits: the visitor's identity, and for a family visit the tie and the host's
    # means and residency (what the law's visit term adds: ``visit_needs``).
    Rule(Purpose.VISIT_PERMIT, (Need(K.PERSONAL_PHOTO), Need(K.PASSPORT_COPY))),
    Rule(
        Purpose.VISIT_PERMIT,
        (
            Need(K.SALARY_CERTIFICATE, Whose.SPONSOR),
            Need(K.CIVIL_ID, Whose.SPONSOR),
            Need(K.LEASE, Whose.SPONSOR),
        ),
        relations=FAMILY,
    ),
    Rule(
        Purpose.VISIT_PERMIT,
        (Need(K.MARRIAGE_CERTIFICATE),),
        relations=frozenset({Relation.SPOUSE}),
    ),
    Rule(
        Purpose.VISIT_PERMIT,
        (Need(K.BIRTH_CERTIFICATE),),
        relations=frozenset({Relation.CHILD}),
    ),
)


def visit_needs(relation: str | None, on_date: dt.date, law: Law | None = None) -> list[Need]:
    """What the law's visit term asks of the visitor besides: a return ticket, health
    insurance for the stay (``core.law.VisitTerm``)."""
    term = (law or Law(on_date)).visit_term(relation) if relation else None
    if term is None:
        return []
    return [
        Need(kind)
        for kind, required in (
            (DocumentKind.RETURN_TICKET, term.return_ticket_required),
            (DocumentKind.TRAVEL_INSURANCE, term.health_insurance_required),
        )
        if required
    ]


def needs_for(purpose: str, article: int | None, relation: str | None) -> list[Need]:
    """Every document needed, in rule order, each once."""
    needs: dict[Need, None] = {}
    for rule in RULES:
        if rule.matches(purpose, article, relation):
            needs.update(dict.fromkeys(rule.needs))
    return list(needs)


@dataclass(frozen=True)
class Missing:
    """A needed document with no valid one in the archive."""

    kind: DocumentKind
    whose: Whose
    owner_id: int  # who should hold it: the applicant, or the individual sponsor
    expired_on: dt.date | None = None  # None: never uploaded; else the last one lapsed then

    @property
    def reason(self) -> str:
        return "missing" if self.expired_on is None else "expired"


@dataclass(frozen=True)
class Resolved:
    need: Need
    owner_id: int
    document: Document | None
    expired_on: dt.date | None = None


def _sponsor_person_id(person: Person, relation: str | None, sponsor: Sponsor | None) -> int | None:
    if sponsor is None and relation is not None:
        dependency = (
            Dependent.objects.select_related("sponsor")
            .filter(person=person, relation=relation, ended_on__isnull=True)
            .first()
        )
        sponsor = dependency.sponsor if dependency else None
    return sponsor.person_id if sponsor is not None else None


def _joined_since(asked: Sequence[Asked]) -> dict[tuple[int, int], dt.datetime]:
    """When each person came onto their sponsor's file (see ``core.documents.access``), by
    (sponsor, person); for a visitor, when the host first applied for them. One query per
    sort of person, however many people and sponsors; someone not yet on record has no
    archive, and no sponsor means all of it."""
    on_record = [a for a in asked if a.sponsor is not None and a.person.pk is not None]
    since: dict[tuple[int, int], dt.datetime] = {}
    visitors: dict[int, set[int]] = {}
    for a in on_record:
        if a.person.civil_id is None:
            visitors.setdefault(a.sponsor.pk, set()).add(a.person.pk)
    for sponsor_id, people in visitors.items():
        first_applied = Min(
            "application_items__application__created_at",
            filter=Q(application_items__application__sponsor_id=sponsor_id),
        )
        rows = Person.objects.filter(pk__in=people).annotate(first=first_applied)
        since.update(((sponsor_id, pk), first) for pk, first in rows.values_list("pk", "first"))
    residents = [a for a in on_record if a.person.civil_id is not None]
    if residents:
        rows = Dependent.objects.filter(
            sponsor_id__in={a.sponsor.pk for a in residents},
            person_id__in={a.person.pk for a in residents},
            ended_on__isnull=True,
        ).order_by("pk")
        for sponsor_id, person_id, joined_at in rows.values_list(
            "sponsor_id", "person_id", "joined_at"
        ):
            since.setdefault((sponsor_id, person_id), joined_at)
    return since


def _best(
    documents: Iterable[Document], on_date: dt.date
) -> tuple[Document | None, dt.date | None]:
    """The valid document that lasts longest (newest first among equals), else when the last
    one lapsed."""
    valid = [d for d in documents if d.is_valid_on(on_date)]
    if valid:
        return max(valid, key=lambda d: (d.valid_until or dt.date.max, d.uploaded_at)), None
    lapsed = [d.valid_until for d in documents if d.valid_until and d.valid_until < on_date]
    return None, max(lapsed, default=None)


@dataclass(frozen=True)
class Asked:
    """Whose documents are asked about: a person, under an article, in a relation to the
    sponsor, for a purpose."""

    person: Person
    article: int | None
    relation: str | None
    purpose: str = Purpose.RENEWAL
    sponsor: Sponsor | None = None


def resolve_many(asked: Sequence[Asked], on_date: dt.date | None = None) -> list[list[Resolved]]:
    """``resolve`` for several people at once (an application's, a worker's batch of them):
    the archive is read once for all of them."""
    on_date = on_date or timezone.localdate()
    law = Law(on_date)  # read only if a visit asks
    plans: list[tuple[Asked, list[Need], dict[str, int]]] = []
    for one in asked:
        needs = needs_for(one.purpose, one.article, one.relation)
        if one.purpose == Purpose.VISIT_PERMIT:
            needs += [n for n in visit_needs(one.relation, on_date, law) if n not in needs]
        owners = {Whose.HOLDER: one.person.pk}
        if any(n.whose == Whose.SPONSOR for n in needs):
            sponsor_person = _sponsor_person_id(one.person, one.relation, one.sponsor)
            if sponsor_person is not None:
                owners[Whose.SPONSOR] = sponsor_person
        plans.append((one, [n for n in needs if n.whose in owners], owners))
    owner_ids = {pk for _, _, owners in plans for pk in owners.values() if pk is not None}
    kinds = {n.kind for _, needs, _ in plans for n in needs}
    documents = (
        list(Document.objects.filter(owner_id__in=owner_ids, kind__in=kinds))
        if owner_ids and kinds
        else []
    )
    # When each holder came onto the file matters only for documents they hold themselves.
    holding = {document.owner_id for document in documents}
    joined = _joined_since([one for one in asked if one.person.pk in holding])
    answers = []
    for one, needs, owners in plans:
        person = one.person
        since = joined.get((one.sponsor.pk, person.pk)) if one.sponsor is not None else None
        archive: dict[tuple[int, str], list[Document]] = {}
        for document in documents:
            if document.owner_id not in owners.values():
                continue
            if document.owner_id == person.pk and since and document.uploaded_at < since:
                continue  # archived before the person came onto this sponsor's file: not theirs
            archive.setdefault((document.owner_id, document.kind), []).append(document)
        resolved = []
        for need in needs:
            owner_id = owners[need.whose]
            document, expired_on = _best(archive.get((owner_id, need.kind), []), on_date)
            resolved.append(Resolved(need, owner_id, document, expired_on))
        answers.append(resolved)
    return answers


def resolve(
    person: Person,
    article: int | None,
    relation: str | None,
    on_date: dt.date | None = None,
    *,
    purpose: str = Purpose.RENEWAL,
    sponsor: Sponsor | None = None,
) -> list[Resolved]:
    """Each need with the archived document that meets it, if any."""
    return resolve_many([Asked(person, article, relation, purpose, sponsor)], on_date)[0]


def missing_documents(
    person: Person,
    article: int | None,
    relation: str | None,
    on_date: dt.date | None = None,
    *,
    purpose: str = Purpose.RENEWAL,
    sponsor: Sponsor | None = None,
) -> list[Missing]:
    """What is needed and not in the archive valid on ``on_date``: never uploaded, or lapsed.
    The sponsor, for the sponsor's documents, is ``sponsor`` or else the one the person depends
    on in ``relation``."""
    return [
        Missing(r.need.kind, r.need.whose, r.owner_id, r.expired_on)
        for r in resolve(person, article, relation, on_date, purpose=purpose, sponsor=sponsor)
        if r.document is None
    ]


def relation_for_article(person: Person, article: int) -> tuple[str | None, Sponsor | None]:
    """The person's relation and sponsor under an article: from their live permit under it,
    else from an active dependency in a relation the article allows."""
    permit = (
        ResidencyPermit.objects.select_related("sponsor")
        .filter(holder=person, article=article, cancelled_at__isnull=True)
        .order_by("-expires_on")
        .first()
    )
    dependencies = Dependent.objects.select_related("sponsor").filter(
        person=person, ended_on__isnull=True
    )
    if permit is not None:
        dependency = dependencies.filter(sponsor=permit.sponsor).first()
        return (dependency.relation if dependency else None), permit.sponsor
    term = Law().article(article)
    allowed = frozenset(term.relations) if term else frozenset()
    dependency = dependencies.filter(relation__in=allowed).first()
    return (dependency.relation, dependency.sponsor) if dependency else (None, None)
