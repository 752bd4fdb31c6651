"""Which documents an application needs, as data, and the selectors that read the archive
against it.

A rule says: for this purpose (a renewal, a visit permit), under these articles, for a person in
these relations to their sponsor, these kinds are needed — the applicant's own ("holder"), the
individual sponsor's ("sponsor": his civil ID, his salary certificate), or a company sponsor's
own papers ("company": its commercial licence and its authorised signatory, uploaded once for
the company and used by every application it makes). Rules add up: every rule that matches
contributes its needs.

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

from core.articles import Article, Relation, SponsorKind
from core.documents.kinds import DocumentKind
from core.documents.models import Document
from core.law.rules import Law
from core.models import Dependent, Person, ResidencyPermit, Sponsor


class Purpose(models.TextChoices):
    RENEWAL = "renewal", "Residency renewal"
    VISIT_PERMIT = "visit_permit", "Visit permit"
    TRANSFER = "transfer", "Residency transfer"


class Whose(models.TextChoices):
    HOLDER = "holder", "The applicant's"
    SPONSOR = "sponsor", "The individual sponsor's"
    COMPANY = "company", "The company's own"


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
COMPANY_PAPERS = (
    Need(K.COMMERCIAL_LICENCE, Whose.COMPANY),
    Need(K.AUTHORISED_SIGNATORY, Whose.COMPANY),
)
PRIVATE_SECTOR = frozenset({Article.PRIVATE_SECTOR})

RULES: tuple[Rule, ...] = (
    # Renewals: everyone shows who they are; family join proves the family tie and that the
    # sponsor still supports it; a private-sector worker's residency follows the work permit;
    # a domestic worker's follows the householder's own residency.
    Rule(Purpose.RENEWAL, (Need(K.PERSONAL_PHOTO), Need(K.PASSPORT_COPY))),
    Rule(Purpose.RENEWAL, (Need(K.WORK_PERMIT),), articles=PRIVATE_SECTOR),
    # An employer shows it is licensed and who signs for it: once, for all its workers.
    Rule(Purpose.RENEWAL, COMPANY_PAPERS, articles=PRIVATE_SECTOR),
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
    # Transfers (by the article moved to): who the person is; a private-sector job's work
    # permit with the new employer; a household's own civil ID for its domestic worker.
    Rule(Purpose.TRANSFER, (Need(K.PERSONAL_PHOTO), Need(K.PASSPORT_COPY))),
    Rule(Purpose.TRANSFER, (Need(K.WORK_PERMIT),), articles=PRIVATE_SECTOR),
    Rule(Purpose.TRANSFER, COMPANY_PAPERS, articles=PRIVATE_SECTOR),
    Rule(
        Purpose.TRANSFER,
        (Need(K.CIVIL_ID, Whose.SPONSOR),),
        articles=frozenset({Article.DOMESTIC_WORKER}),
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
    owner_id: int | None  # who should hold it: the applicant, or the individual sponsor
    expired_on: dt.date | None = None  # None: never uploaded; else the last one lapsed then
    sponsor_id: int | None = None  # a company's own paper: the company (owner_id is None)

    @property
    def reason(self) -> str:
        return "missing" if self.expired_on is None else "expired"


@dataclass(frozen=True)
class Resolved:
    need: Need
    owner_id: int | None
    document: Document | None
    expired_on: dt.date | None = None
    sponsor_id: int | None = None

    @property
    def missing(self) -> Missing:
        return Missing(
            self.need.kind, self.need.whose, self.owner_id, self.expired_on, self.sponsor_id
        )


def _sponsor_person_id(person: Person, relation: str | None, sponsor: Sponsor | None) -> int | None:
    if sponsor is None and relation is not None:
        dependency = (
            Dependent.objects.select_related("sponsor")
            .filter(person=person, relation=relation, ended_on__isnull=True)
            .first()
        )
        sponsor = dependency.sponsor if dependency else None
    return sponsor.person_id if sponsor is not None else None


def _joined_since(asked: Sequence[Asked]) -> dict[tuple[int, int], dt.datetime | None]:
    """Since when each person's archive counts for their sponsor (see
    ``core.documents.access``), by (sponsor, person): since they came onto the sponsor's file;
    for a visitor, since the host first applied for them; for a resident the sponsor asks to
    transfer (an open transfer item), since that request; for anyone else not on the file,
    nothing of it (now). Not in the answer: all of it (one's own archive; no sponsor; someone
    not yet on record). One query per sort of person, however many."""
    on_record = [a for a in asked if a.sponsor is not None and a.person.pk is not None]
    since: dict[tuple[int, int], dt.datetime | None] = {}
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
    residents = [
        a for a in on_record if a.person.civil_id is not None and a.sponsor.person_id != a.person.pk
    ]
    if not residents:
        return since
    sponsors, people = {a.sponsor.pk for a in residents}, {a.person.pk for a in residents}
    rows = Dependent.objects.filter(
        sponsor_id__in=sponsors, person_id__in=people, ended_on__isnull=True
    ).order_by("pk")
    for sponsor_id, person_id, joined_at in rows.values_list(
        "sponsor_id", "person_id", "joined_at"
    ):
        since.setdefault((sponsor_id, person_id), joined_at)
    asking = Person.objects.filter(
        pk__in=people,
        application_items__application__sponsor_id__in=sponsors,
        application_items__from_article__isnull=False,  # a transfer
        application_items__open_person__isnull=False,  # still open
    ).values_list(
        "application_items__application__sponsor_id",
        "pk",
        "application_items__application__created_at",
    )
    for sponsor_id, person_id, requested in asking:
        since.setdefault((sponsor_id, person_id), requested)
    now = timezone.now()
    for a in residents:
        since.setdefault((a.sponsor.pk, a.person.pk), now)
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
    plans: list[tuple[Asked, list[Need], dict[str, int], int | None]] = []
    for one in asked:
        needs = needs_for(one.purpose, one.article, one.relation)
        if one.purpose == Purpose.VISIT_PERMIT:
            needs += [n for n in visit_needs(one.relation, on_date, law) if n not in needs]
        owners = {Whose.HOLDER: one.person.pk}
        if any(n.whose == Whose.SPONSOR for n in needs):
            sponsor_person = _sponsor_person_id(one.person, one.relation, one.sponsor)
            if sponsor_person is not None:
                owners[Whose.SPONSOR] = sponsor_person
        sponsor = one.sponsor
        company = (
            sponsor.pk if sponsor is not None and sponsor.kind == SponsorKind.COMPANY else None
        )
        # A need nobody could meet (an individual's papers of a company, a company's of a
        # household) is not asked.
        needs = [n for n in needs if n.whose in owners or (n.whose == Whose.COMPANY and company)]
        plans.append((one, needs, owners, company))
    owner_ids = {pk for _, _, owners, _ in plans for pk in owners.values() if pk is not None}
    companies = {company for *_, company in plans if company is not None}
    kinds = {n.kind for _, needs, _, _ in plans for n in needs}
    documents = (
        list(
            Document.objects.filter(
                Q(owner_id__in=owner_ids) | Q(sponsor_id__in=companies), kind__in=kinds
            )
        )
        if (owner_ids or companies) and kinds
        else []
    )
    # When each holder came onto the file matters only for documents they hold themselves.
    holding = {document.owner_id for document in documents if document.owner_id is not None}
    joined = _joined_since([one for one in asked if one.person.pk in holding])
    answers = []
    for one, needs, owners, company in plans:
        person = one.person
        since = joined.get((one.sponsor.pk, person.pk)) if one.sponsor is not None else None
        archive: dict[tuple[str, int, str], list[Document]] = {}
        for document in documents:
            if document.sponsor_id is not None:
                if document.sponsor_id == company:
                    archive.setdefault(("sponsor", company, document.kind), []).append(document)
                continue
            if document.owner_id not in owners.values():
                continue
            if document.owner_id == person.pk and since and document.uploaded_at < since:
                continue  # archived before the person came onto this sponsor's file: not theirs
            key = ("person", document.owner_id, document.kind)
            archive.setdefault(key, []).append(document)
        resolved = []
        for need in needs:
            if need.whose == Whose.COMPANY:
                found = archive.get(("sponsor", company, need.kind), [])
                document, expired_on = _best(found, on_date)
                resolved.append(Resolved(need, None, document, expired_on, sponsor_id=company))
                continue
            owner_id = owners[need.whose]
            document, expired_on = _best(archive.get(("person", owner_id, need.kind), []), on_date)
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
        r.missing
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
