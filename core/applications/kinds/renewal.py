"""The renewal of a sponsor's dependents' residency: every rule of a renewal in one place.

Who may be renewed (a dependent on the sponsor's file, with a live permit from the sponsor, in
no other open application), when (``RENEWAL_RULES``: the window before expiry and the grace
after it), for how long (the article's maximum, the passport, for family join the sponsor's own
residency and salary), which agencies check each person, what a renewal is charged for, and
what issuing does (the permit runs on to the end of the renewed period).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings

from core.agencies.base import Subject
from core.applications.errors import ApplicationErrorCode
from core.applications.kinds.base import Charge, ChargeKind, PersonChoice
from core.applications.models import AgencyName, Application, ApplicationItem
from core.articles import Article, rule_for
from core.documents.requirements import Purpose
from core.errors import DomainError, DomainErrors
from core.models import Person, ResidencyPermit, Sponsor
from core.services.permits import permit_renew


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_period(permit: ResidencyPermit, months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The new residency runs on from the current expiry (or from today, if already expired)."""
    start = max(permit.expires_on, today)
    return start, add_months(start, months)


def sponsor_own_expiry(sponsor: Sponsor) -> dt.date | None:
    """The latest expiry among the individual sponsor's own live permits."""
    if sponsor.person_id is None:
        return None
    return (
        ResidencyPermit.objects.filter(holder_id=sponsor.person_id, cancelled_at__isnull=True)
        .order_by("-expires_on")
        .values_list("expires_on", flat=True)
        .first()
    )


def permit_problems(
    *, permit: ResidencyPermit, sponsor: Sponsor, months: int | None, today: dt.date
) -> list[DomainError]:
    """Everything that stops this permit being renewed online for this many months."""
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
    if months is None:
        return problems
    rule = rule_for(permit.article)
    if months < 1:
        return [*problems, DomainError(ApplicationErrorCode.DURATION_TOO_SHORT, "months")]
    if months > rule.max_renewal_months:
        limits = {"article": int(rule.article), "max_months": rule.max_renewal_months}
        return [*problems, DomainError(ApplicationErrorCode.DURATION_TOO_LONG, "months", limits)]
    _, new_expiry = renewal_period(permit, months, today)
    passport_expiry = permit.holder.passport_expiry
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
    if permit.article == Article.FAMILY_JOIN:
        own = sponsor_own_expiry(sponsor)
        if own is None or own < new_expiry:
            problems.append(
                DomainError(
                    ApplicationErrorCode.SPONSOR_PERMIT_TOO_SHORT,
                    "months",
                    {"sponsor_expiry": own.isoformat() if own else "—"},
                )
            )
        threshold = Decimal(rules["FAMILY_JOIN_MIN_SALARY"])
        if (sponsor.monthly_salary or Decimal(0)) < threshold:
            problems.append(
                DomainError(
                    ApplicationErrorCode.SALARY_BELOW_THRESHOLD,
                    "personId",
                    {"threshold": threshold},
                )
            )
    return problems


class Renewal:
    name = "renewal"
    reference_prefix = "RN"
    title_en = "Residency renewal"
    title_ar = "تجديد إقامة"
    document_purpose = Purpose.RENEWAL

    def new_item(
        self, application: Application, choice: PersonChoice, *, field: str, today: dt.date
    ) -> ApplicationItem:
        sponsor = application.sponsor
        # A person who does not exist and one who is not on this file answer alike: the
        # answer must not tell whether an id belongs to somebody.
        person = Person.objects.filter(
            pk=choice.person_id,
            sponsorships__sponsor=sponsor,
            sponsorships__ended_on__isnull=True,
        ).first()
        if person is None:
            raise DomainError(ApplicationErrorCode.NOT_YOUR_DEPENDENT, field)
        permit = (
            ResidencyPermit.objects.select_related("holder")
            .filter(holder=person, sponsor=sponsor, cancelled_at__isnull=True)
            .order_by("-expires_on")
            .first()
        )
        if permit is None:
            raise DomainError(ApplicationErrorCode.NO_PERMIT, field)
        if ApplicationItem.objects.filter(open_person=person).exists():
            raise DomainError(ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION, field)
        item = ApplicationItem(
            application=application,
            person=person,
            permit=permit,
            months=choice.months,
            open_person=person,
        )
        problems = self.item_problems(item, months=choice.months, today=today)
        if problems:
            for problem in problems:
                problem.field = f"{field}.{problem.field}"
            raise DomainErrors(problems)
        return item

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, today: dt.date
    ) -> list[DomainError]:
        return permit_problems(
            permit=item.permit, sponsor=item.application.sponsor, months=months, today=today
        )

    def agencies(self, item: ApplicationItem) -> list[str]:
        agencies = [AgencyName.HEALTH, AgencyName.FINES, AgencyName.COURTS]
        if item.permit.article == Article.PRIVATE_SECTOR:
            agencies.append(AgencyName.MANPOWER)
        return agencies

    def period(self, item: ApplicationItem, today: dt.date) -> tuple[dt.date, dt.date]:
        return renewal_period(item.permit, item.months or 0, today)

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        holder = item.permit.holder
        sponsor = item.application.sponsor
        start, end = self.period(item, today)
        return Subject(
            civil_id=holder.civil_id,
            name_en=holder.name_en,
            nationality=holder.nationality,
            date_of_birth=holder.date_of_birth,
            period_start=start,
            period_end=end,
            sponsor_civil_id=sponsor.person.civil_id if sponsor.person_id else None,
            employer_file_number=sponsor.manpower_file_number or None,
        )

    def charges(self, item: ApplicationItem, today: dt.date) -> list[Charge]:
        """The residency fee for the permit's article; health cover for the whole period
        unless insured to its end; the fines the fines check found."""
        months = item.months or 0
        charges = [Charge(ChargeKind.RESIDENCY_FEE, months=months, article=item.permit.article)]
        _, end = self.period(item, today)
        for check in item.checks.all():
            if check.agency == AgencyName.HEALTH and check.facts:
                insured_until = check.facts.get("insured_until")
                if insured_until is None or dt.date.fromisoformat(insured_until) < end:
                    charges.append(Charge(ChargeKind.HEALTH_INSURANCE, months=months))
            elif check.agency == AgencyName.FINES and check.amount:
                references = tuple(f.get("reference", "") for f in check.facts.get("fines", []))
                charges.append(Charge(ChargeKind.FINES, owed=check.amount, references=references))
        return charges

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        _, end = self.period(item, today)
        permit_renew(actor=None, permit=item.permit, expires_on=end)


KIND = Renewal()
