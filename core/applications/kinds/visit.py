"""A family visit: a resident invites a parent, a spouse or a child living abroad.

Who may invite whom is the law's data (``core.law.VisitTerm`` per relation: the articles the
host's own residency may be under, the least salary, the longest visit, whether a return ticket
and health insurance are needed). The host is the individual sponsor applying; the visitor has
no civil ID and is named by passport (``core.services.visitors``). The checks that matter run
on the host (fines, courts); the visit is charged per month (``payments.pricing``); issuing
gives a ``VisitPermit`` for the months paid, from the day it is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

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
    one_at_a_time,
    subject_of,
)
from core.applications.kinds.periods import add_months, months_within
from core.applications.kinds.renewal import sponsor_own_permit
from core.applications.models import AgencyName, Application, ApplicationItem
from core.documents.requirements import Purpose
from core.errors import DomainError, DomainErrors
from core.law.models import VisitTerm
from core.law.rules import Law
from core.models import Person, ResidencyPermit
from core.services.visitors import visitor_errors, visitor_for, visitor_normalized
from core.visits.models import VisitPermit

RELATION_WORDS = {
    "spouse": ("spouse", "الزوج أو الزوجة"),
    "child": ("child", "الأبناء"),
    "parent": ("parent", "الوالدين"),
}


def visit_period(months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """A visit runs from the day its permit is issued for the months paid."""
    return today, add_months(today, months)


def _host_permit(item: ApplicationItem) -> ResidencyPermit | None:
    cached = getattr(item, "_host_permit", False)
    if cached is False:
        cached = item._host_permit = sponsor_own_permit(item.application.sponsor)
    return cached


def _term(item: ApplicationItem, law: Law) -> VisitTerm | None:
    return law.visit_term(item.relation)


class Visit:
    name = "visit"
    reference_prefix = "VA"
    title_en = "Family visit permit"
    title_ar = "إذن زيارة عائلية"
    document_purpose = Purpose.VISIT_PERMIT

    def new_items(
        self,
        application: Application,
        choices: Sequence[PersonChoice],
        *,
        fields: Sequence[str],
        law: Law,
    ) -> list[NewItem]:
        """Each visitor alone: a visitor is found (or made) by passport."""
        return one_at_a_time(self._new_item, application, choices, fields=fields, law=law)

    def _new_item(
        self, application: Application, choice: PersonChoice, *, field: str, law: Law
    ) -> ApplicationItem:
        if choice.visitor is None or not choice.relation:
            raise DomainError(ApplicationErrorCode.VISITOR_REQUIRED, field)
        term = law.visit_term(choice.relation)
        if term is None:
            raise DomainError(ApplicationErrorCode.VISIT_RELATION_NOT_ALLOWED, f"{field}.relation")
        sponsor = application.sponsor
        host = sponsor_own_permit(sponsor)
        if sponsor.person_id is None or host is None or host.article not in term.host_articles:
            article = f"Art. {host.article}" if host else "—"
            raise DomainError(ApplicationErrorCode.HOST_NOT_ELIGIBLE, field, {"article": article})
        details = visitor_normalized(choice.visitor)
        problems = visitor_errors(details, today=law.day)
        if problems:
            raise DomainErrors(
                DomainError(
                    ApplicationErrorCode.INVALID_VISITOR,
                    f"{field}.visitor.{problem.field}",
                    {"detail_en": problem.message_en, "detail_ar": problem.message_ar},
                )
                for problem in problems
            )
        visitor = visitor_for(details)
        if visitor is None:
            raise DomainError(ApplicationErrorCode.VISITOR_DETAILS_DIFFER, f"{field}.visitor")
        if visitor.pk is not None:
            self._refuse_if_busy(visitor, field, law.day)
        item = ApplicationItem(
            application=application,
            person=visitor,
            permit=None,
            months=choice.months,
            open_person=visitor,
            relation=choice.relation,
            article=None,
        )
        item._host_permit = host
        return item

    def _refuse_if_busy(self, visitor: Person, field: str, today: dt.date) -> None:
        if ApplicationItem.objects.filter(open_person=visitor).exists():
            raise DomainError(ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, field)
        current = (
            VisitPermit.objects.filter(
                visitor=visitor, cancelled_at__isnull=True, valid_until__gte=today
            )
            .order_by("-valid_until")
            .first()
        )
        if current is not None:
            raise DomainError(
                ApplicationErrorCode.VISIT_ALREADY_VALID,
                field,
                {"valid_until": current.valid_until.isoformat()},
            )

    def durations(self, item: ApplicationItem, law: Law) -> Durations:
        term = _term(item, law)
        host = _host_permit(item)
        bounds = [
            (term.max_months if term else 0, Limit.VISIT_TERM),
            (months_within(law.day, item.person.passport_expiry), Limit.PASSPORT),
            (months_within(law.day, host.expires_on if host else None), Limit.SPONSOR_PERMIT),
        ]
        most, limit = min(bounds, key=lambda bound: bound[0])
        return Durations(max_months=most, limited_by=limit)

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, law: Law
    ) -> list[DomainError]:
        term = _term(item, law)
        if term is None:
            return [DomainError(ApplicationErrorCode.VISIT_RELATION_NOT_ALLOWED, "relation")]
        problems: list[DomainError] = []
        salary = item.application.sponsor.monthly_salary or 0
        if term.min_host_salary is not None and salary < term.min_host_salary:
            relation_en, relation_ar = RELATION_WORDS.get(item.relation, (item.relation,) * 2)
            problems.append(
                DomainError(
                    ApplicationErrorCode.VISIT_SALARY_BELOW_THRESHOLD,
                    "relation",
                    {
                        "threshold": term.min_host_salary,
                        "relation_en": relation_en,
                        "relation_ar": relation_ar,
                    },
                )
            )
        if months is None:
            return problems
        if months < 1:
            return [*problems, DomainError(ApplicationErrorCode.DURATION_TOO_SHORT, "months")]
        if months > term.max_months:
            limits = {"max_months": term.max_months}
            return [*problems, DomainError(ApplicationErrorCode.VISIT_TOO_LONG, "months", limits)]
        _, end = visit_period(months, law.day)
        passport = item.person.passport_expiry
        if passport < end:
            problems.append(
                DomainError(
                    ApplicationErrorCode.PASSPORT_TOO_SHORT,
                    "months",
                    {"passport_expiry": passport.isoformat(), "new_expiry": end.isoformat()},
                )
            )
        host = _host_permit(item)
        if host is None or host.expires_on < end:
            problems.append(
                DomainError(
                    ApplicationErrorCode.SPONSOR_PERMIT_TOO_SHORT,
                    "months",
                    {"sponsor_expiry": host.expires_on.isoformat() if host else "—"},
                )
            )
        return problems

    def agencies(self, item: ApplicationItem) -> list[str]:
        return [AgencyName.FINES, AgencyName.COURTS]

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        """The host, for the visit's period: the checks that matter are on them."""
        sponsor = item.application.sponsor
        start, end = visit_period(item.months or 0, today)
        return subject_of(sponsor.person, sponsor, start, end)

    def charges(self, item: ApplicationItem, law: Law, facts: Facts) -> list[Charge]:
        """The visit fee for the months; the host's unpaid fines (owed once, however many
        visitors: ``payments.pricing`` charges a fine's reference once)."""
        return [Charge(ChargeKind.VISIT_FEE, months=item.months or 0), *agency_fines(facts)]

    def consents(self, item: ApplicationItem, law: Law) -> list[ConsentAsked]:
        return []  # the applicant is the sponsor: nobody else's consent is asked

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        start, end = visit_period(item.months or 0, today)
        VisitPermit.objects.get_or_create(
            item=item,
            defaults={
                "visitor": item.person,
                "host": item.application.sponsor,
                "relation": item.relation,
                "valid_from": start,
                "valid_until": end,
                "issued_at": timezone.now(),
            },
        )


KIND = Visit()
