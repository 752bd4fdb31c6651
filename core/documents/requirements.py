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
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
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


def visit_needs(relation: str | None, on_date: dt.date) -> list[Need]:
    """What the law's visit term asks of the visitor besides: a return ticket, health
    insurance for the stay (``core.law.VisitTerm``)."""
    term = Law(on_date).visit_term(relation) if relation else None
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


def _joined_at(person: Person, sponsor: Sponsor | None) -> dt.datetime | None:
    """Since when the person's archive counts for the sponsor (see ``core.documents.access``):
    since they came onto the sponsor's file; for a visitor, since the host first applied for
    them; for a resident the sponsor asks to transfer, since that request; None: all of it
    (one's own archive, or someone not yet on record)."""
    if sponsor is None or person.pk is None:  # someone not yet on record has no archive
        return None
    if person.civil_id is None:
        return (
            person.application_items.filter(application__sponsor=sponsor)
            .order_by("application__created_at")
            .values_list("application__created_at", flat=True)
            .first()
        )
    if sponsor.person_id == person.pk:
        return None
    joined = (
        Dependent.objects.filter(sponsor=sponsor, person=person, ended_on__isnull=True)
        .values_list("joined_at", flat=True)
        .first()
    )
    if joined is not None:
        return joined
    # Not on this file: what the sponsor archived since asking to transfer them, or nothing.
    requested = (
        person.application_items.filter(
            application__sponsor=sponsor, from_article__isnull=False, open_person__isnull=False
        )
        .values_list("application__created_at", flat=True)
        .first()
    )
    return requested or timezone.now()


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
    on_date = on_date or timezone.localdate()
    needs = needs_for(purpose, article, relation)
    if purpose == Purpose.VISIT_PERMIT:
        needs += [n for n in visit_needs(relation, on_date) if n not in needs]
    owners = {Whose.HOLDER: person.pk}
    if any(n.whose == Whose.SPONSOR for n in needs):
        sponsor_person = _sponsor_person_id(person, relation, sponsor)
        if sponsor_person is not None:
            owners[Whose.SPONSOR] = sponsor_person
    company = sponsor.pk if sponsor is not None and sponsor.kind == SponsorKind.COMPANY else None
    # A need nobody could meet (an individual's papers of a company, a company's of a household)
    # is not asked.
    needs = [n for n in needs if n.whose in owners or (n.whose == Whose.COMPANY and company)]
    archive: dict[tuple[str, int, str], list[Document]] = {}
    joined = _joined_at(person, sponsor)
    kinds = {n.kind for n in needs}
    held = Q(owner_id__in=set(owners.values()))
    if company is not None:
        held |= Q(sponsor_id=company)
    for document in Document.objects.filter(held, kind__in=kinds):
        if document.owner_id == person.pk and joined and document.uploaded_at < joined:
            continue  # archived before the person came onto this sponsor's file: not theirs
        key = (
            ("sponsor", document.sponsor_id, document.kind)
            if document.sponsor_id
            else ("person", document.owner_id, document.kind)
        )
        archive.setdefault(key, []).append(document)
    resolved = []
    for need in needs:
        if need.whose == Whose.COMPANY:
            document, expired_on = _best(archive.get(("sponsor", company, need.kind), []), on_date)
            resolved.append(Resolved(need, None, document, expired_on, sponsor_id=company))
            continue
        owner_id = owners[need.whose]
        document, expired_on = _best(archive.get(("person", owner_id, need.kind), []), on_date)
        resolved.append(Resolved(need, owner_id, document, expired_on))
    return resolved


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
