"""The renewal of a residency: every rule of a renewal in one place.

Who may be renewed: a person on the sponsor's file with a live permit from the sponsor, or the
sponsor themself when their own permit is self-sponsored (an article whose relation is
``self``: Art. 19, Art. 24) — a worker's permit (Art. 17, Art. 18) is renewed by the employer,
never by the worker alone. When: ``RENEWAL_RULES``' window before expiry and grace after it.
For how long: the article's maximum in force (``core.law``), longer on a long-residency ground,
bounded by the passport and, for a family or a domestic worker of an expatriate household, by
the sponsor's own residency; family join also needs the sponsor's salary unless their
profession is exempt. Which agencies check each person, what a renewal is charged for
(including the overstay fine of a lapsed permit), and what issuing does (the permit runs on to
the end of the renewed period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from core.agencies.base import Subject
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds.base import (
    Charge,
    ChargeKind,
    ConsentAsked,
    Durations,
    Facts,
    Limit,
    NewItem,
    PersonChoice,
    agency_fines,
    health_cover,
    subject_of,
)
from core.applications.kinds.periods import add_months, months_within
from core.applications.models import AgencyName, Application, ApplicationItem
from core.articles import Article, Relation
from core.documents.requirements import Purpose
from core.errors import DomainError
from core.law.models import ResidencyGround, SalaryPurpose
from core.law.rules import Law, overstay_category
from core.models import Dependent, Person, ResidencyPermit, Sex, Sponsor
from core.services.permits import permit_renew

# Whose residency bounds a dependent's: the sponsor's own, under these articles, when the
# sponsor is an expatriate (a citizen holds none).
BOUND_BY_SPONSOR = frozenset({Article.FAMILY_JOIN, Article.DOMESTIC_WORKER})


def renewal_period(permit: ResidencyPermit, months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The new residency runs on from the current expiry (or from today, if already expired)."""
    start = max(permit.expires_on, today)
    return start, add_months(start, months)


def sponsor_own_permit(sponsor: Sponsor) -> ResidencyPermit | None:
    """The individual sponsor's own live permit that lasts longest (read once per sponsor
    object: the items of one application share theirs)."""
    if sponsor.person_id is None:
        return None
    cached = getattr(sponsor, "_own_permit", False)
    if cached is False:
        cached = sponsor._own_permit = (
            ResidencyPermit.objects.filter(holder_id=sponsor.person_id, cancelled_at__isnull=True)
            .order_by("-expires_on")
            .first()
        )
    return cached


@dataclass(frozen=True)
class Standing:
    """The holder's place on the sponsor's file: their relation (``self`` for a self-sponsored
    holder) and the grounds for a long residency that apply to them."""

    relation: str
    grounds: frozenset[str]


def _standing(person: Person, sponsor: Sponsor, relation: str) -> Standing:
    grounds = set(person.residency_grounds or [])
    head = sponsor.person
    if (
        relation == Relation.CHILD
        and head is not None
        and head.is_kuwaiti
        and head.sex == Sex.FEMALE
    ):
        grounds.add(ResidencyGround.CHILD_OF_KUWAITI_MOTHER)
    return Standing(relation, frozenset(grounds))


def standing_of(item: ApplicationItem) -> Standing:
    """The item's standing, from the relation fixed when the person was added."""
    cached = getattr(item, "_standing", None)
    if cached is None:
        cached = item._standing = _standing(item.person, item.application.sponsor, item.relation)
    return cached


def sponsor_bound(item: ApplicationItem) -> bool:
    """Whether the sponsor's own residency bounds the item's (a family, a domestic worker of an
    expatriate household), by the article the item is for."""
    head = item.application.sponsor.person
    return item.article in BOUND_BY_SPONSOR and head is not None and not head.is_kuwaiti


def sponsor_expiry(item: ApplicationItem) -> dt.date | None:
    """The individual sponsor's own residency's expiry (read once per sponsor object)."""
    own = sponsor_own_permit(item.application.sponsor)
    return own.expires_on if own else None


def length_problems(item: ApplicationItem, months: int, longest: int) -> list[DomainError]:
    """A duration of less than a month, or longer than the article allows."""
    if months < 1:
        return [DomainError(ApplicationErrorCode.DURATION_TOO_SHORT, "months")]
    if months > longest:
        limits = {"article": int(item.article), "max_months": longest}
        return [DomainError(ApplicationErrorCode.DURATION_TOO_LONG, "months", limits)]
    return []


def end_problems(item: ApplicationItem, new_expiry: dt.date) -> list[DomainError]:
    """A residency ending after the holder's passport, or after the sponsor's own residency
    where that bounds it."""
    problems = []
    passport_expiry = item.person.passport_expiry
    if passport_expiry < new_expiry:
        problems.append(
            DomainError(
                ApplicationErrorCode.PASSPORT_TOO_SHORT,
                "months",
                {
                    "passport_expiry": passport_expiry.isoformat(),
                    "new_expiry": new_expiry.isoformat(),
                },
            )
        )
    if sponsor_bound(item):
        own = sponsor_expiry(item)
        if own is None or own < new_expiry:
            problems.append(
                DomainError(
                    ApplicationErrorCode.SPONSOR_PERMIT_TOO_SHORT,
                    "months",
                    {"sponsor_expiry": own.isoformat() if own else "—"},
                )
            )
    return problems


class Renewal:
    name = "renewal"
    reference_prefix = "RN"
    title_en = "Residency renewal"
    title_ar = "تجديد إقامة"
    document_purpose = Purpose.RENEWAL

    def new_items(
        self,
        application: Application,
        choices: Sequence[PersonChoice],
        *,
        fields: Sequence[str],
        law: Law,
    ) -> list[NewItem]:
        """Everyone at once: their places on the file, their permits and whether they are in
        another open application are read once for all of them."""
        sponsor = application.sponsor
        wanted = {c.person_id for c in choices if c.person_id is not None}
        on_file = {
            d.person_id: d
            for d in Dependent.objects.select_related("person").filter(
                sponsor=sponsor, person_id__in=wanted, ended_on__isnull=True
            )
        }
        people = {pk: d.person for pk, d in on_file.items()}
        if sponsor.person_id is not None:  # the sponsor's own permit bounds their family's
            people[sponsor.person_id] = sponsor.person
        permits: dict[int, ResidencyPermit] = {}
        for permit in ResidencyPermit.objects.filter(
            holder_id__in=people, cancelled_at__isnull=True
        ).order_by("holder_id", "-expires_on", "-pk"):
            if permit.holder_id not in permits:
                permit.holder = people[permit.holder_id]
                permits[permit.holder_id] = permit
        if sponsor.person_id is not None:
            sponsor._own_permit = permits.get(sponsor.person_id)
            if sponsor.person_id not in wanted:
                del people[sponsor.person_id]
        busy = set(
            ApplicationItem.objects.filter(open_person_id__in=people).values_list(
                "open_person_id", flat=True
            )
        )
        made: list[NewItem] = []
        for choice, field in zip(choices, fields, strict=True):
            try:
                made.append(self._new_item(application, choice, field, law, on_file, permits, busy))
            except DomainError as exc:
                made.append(exc)
        return made

    def _new_item(
        self,
        application: Application,
        choice: PersonChoice,
        field: str,
        law: Law,
        on_file: dict[int, Dependent],
        permits: dict[int, ResidencyPermit],
        busy: set[int],
    ) -> ApplicationItem:
        sponsor = application.sponsor
        own = sponsor.person_id is not None and choice.person_id == sponsor.person_id
        # A person who does not exist and one who is not on this file answer alike: the
        # answer must not tell whether an id belongs to somebody.
        relation = Relation.SELF if own else None
        person = sponsor.person if own else None
        if not own:
            dependency = on_file.get(choice.person_id)
            if dependency is None:
                raise DomainError(ApplicationErrorCode.NOT_YOUR_DEPENDENT, field)
            person, relation = dependency.person, dependency.relation
        permit = permits.get(person.pk)
        if permit is None:
            raise DomainError(ApplicationErrorCode.NO_PERMIT, field)
        if permit.sponsor_id != sponsor.pk:
            if own:  # a worker's own residency: the employer renews it
                raise DomainError(
                    ApplicationErrorCode.RENEWED_BY_SPONSOR,
                    field,
                    {"article": permit.article, "sponsor": permit.sponsor.display_name_en},
                )
            raise DomainError(ApplicationErrorCode.NO_PERMIT, field)
        term = law.article(permit.article)
        if own and (term is None or Relation.SELF not in term.relations):
            raise DomainError(ApplicationErrorCode.NO_PERMIT, field)
        if person.pk in busy:
            raise DomainError(ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, field)
        item = ApplicationItem(
            application=application,
            person=person,
            permit=permit,
            months=choice.months,
            open_person=person,
            relation=relation,
            article=permit.article,
        )
        item._standing = _standing(person, sponsor, relation)
        return item

    def durations(self, item: ApplicationItem, law: Law) -> Durations:
        permit = item.permit
        start = max(permit.expires_on, law.day)
        bounds = [
            (law.max_months(permit.article, standing_of(item).grounds), Limit.ARTICLE),
            (months_within(start, permit.holder.passport_expiry), Limit.PASSPORT),
        ]
        if sponsor_bound(item):
            bounds.append((months_within(start, sponsor_expiry(item)), Limit.SPONSOR_PERMIT))
        most, limit = min(bounds, key=lambda bound: bound[0])
        return Durations(max_months=most, limited_by=limit)

    def _window_problems(self, permit: ResidencyPermit, today: dt.date) -> list[DomainError]:
        rules = settings.RENEWAL_RULES
        problems: list[DomainError] = []
        opens_on = add_months(permit.expires_on, -rules["WINDOW_MONTHS"])
        if today < opens_on:
            problems.append(
                DomainError(
                    ApplicationErrorCode.NOT_YET_RENEWABLE,
                    "personId",
                    {"window_months": rules["WINDOW_MONTHS"], "opens_on": opens_on.isoformat()},
                )
            )
        if (today - permit.expires_on).days > rules["GRACE_DAYS"]:
            problems.append(
                DomainError(
                    ApplicationErrorCode.EXPIRED_BEYOND_GRACE,
                    "personId",
                    {"grace_days": rules["GRACE_DAYS"]},
                )
            )
        return problems

    def _salary_problems(self, item: ApplicationItem, law: Law) -> list[DomainError]:
        """Family join needs the expatriate sponsor's salary, unless the profession is exempt."""
        sponsor = item.application.sponsor
        head = sponsor.person
        if item.permit.article != Article.FAMILY_JOIN or head is None or head.is_kuwaiti:
            return []
        threshold = law.salary_threshold(SalaryPurpose.FAMILY_JOIN)
        if threshold is None or (sponsor.monthly_salary or 0) >= threshold.min_monthly_salary:
            return []
        own = sponsor_own_permit(sponsor)
        public_sector = own is not None and own.article == Article.GOVERNMENT
        if law.salary_exemption(
            SalaryPurpose.FAMILY_JOIN, sponsor.profession, public_sector=public_sector
        ):
            return []
        return [
            DomainError(
                ApplicationErrorCode.SALARY_BELOW_THRESHOLD,
                "personId",
                {"threshold": threshold.min_monthly_salary},
            )
        ]

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, law: Law
    ) -> list[DomainError]:
        permit = item.permit
        problems = self._window_problems(permit, law.day)
        if months is None:
            return problems
        length = length_problems(
            item, months, law.max_months(permit.article, standing_of(item).grounds)
        )
        if length:
            return problems + length
        _, new_expiry = renewal_period(permit, months, law.day)
        problems += end_problems(item, new_expiry)
        return problems + self._salary_problems(item, law)

    def agencies(self, item: ApplicationItem) -> list[str]:
        agencies = [AgencyName.HEALTH, AgencyName.FINES, AgencyName.COURTS]
        if item.permit.article == Article.PRIVATE_SECTOR:
            agencies.append(AgencyName.MANPOWER)
        return agencies

    def period(self, item: ApplicationItem, today: dt.date) -> tuple[dt.date, dt.date]:
        return renewal_period(item.permit, item.months or 0, today)

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        start, end = self.period(item, today)
        return subject_of(item.permit.holder, item.application.sponsor, start, end)

    def charges(self, item: ApplicationItem, law: Law, facts: Facts) -> list[Charge]:
        """The residency fee for the permit's article; health cover for the whole period
        unless insured to its end (before the health check: provisionally); the fines the
        fines check found; the overstay fine of a permit already lapsed."""
        months = item.months or 0
        permit = item.permit
        charges = [Charge(ChargeKind.RESIDENCY_FEE, months=months, article=permit.article)]
        _, end = self.period(item, law.day)
        charges += health_cover(months, end, facts) + agency_fines(facts)
        overdue = (law.day - permit.expires_on).days
        if overdue > 0:
            charges.append(
                Charge(
                    ChargeKind.OVERSTAY_FINE,
                    days=overdue,
                    category=overstay_category(permit.article),
                )
            )
        return charges

    def consents(self, item: ApplicationItem, law: Law) -> list[ConsentAsked]:
        return []  # the applicant is the sponsor: nobody else's consent is asked

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        _, end = self.period(item, today)
        permit_renew(actor=None, permit=item.permit, expires_on=end)


KIND = Renewal()
