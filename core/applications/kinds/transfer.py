"""A transfer: a residency moves to another article and another sponsor (Art. 14 → 20, a
temporary resident taken on by a household; Art. 20 → 18, a domestic worker moving to a
company). Every rule of a transfer in one place.

The new sponsor applies. Which pairs are open and what each needs (the current sponsor's, the
new sponsor's and the holder's consent, time with the current sponsor, whether a transfer fee is
charged) is the law's data (``core.law.TransferTerm``); who may sponsor under the new article,
in which relation, and for how long, is the article's (``core.law.ArticleTerm``). The new
sponsor names the resident as the papers they hold show them: civil ID, name as on the civil ID
and passport number — a civil ID and a name alone are no secret, and the answers tell what the
residency in that passport shows (its article, its expiry). Nothing is checked until every
party has consented (``core.applications.consents``); issuing moves the permit, and the file
with it (``core.services.permits.permit_transfer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
    one_at_a_time,
    subject_of,
)
from core.applications.kinds.periods import add_months, months_within
from core.applications.kinds.renewal import (
    end_problems,
    length_problems,
    sponsor_bound,
    sponsor_expiry,
)
from core.applications.models import AgencyName, Application, ApplicationItem, ConsentParty
from core.articles import Article
from core.civil_id import normalize_digits
from core.documents.requirements import Purpose
from core.errors import DomainError
from core.law.models import TransferTerm
from core.law.rules import Law
from core.models import Dependent, Person, ResidencyPermit
from core.names import normalize_text
from core.services.permits import permit_transfer


def transfer_period(months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The residency under the new article runs from the day of the transfer."""
    return today, add_months(today, months)


def _named(choice: PersonChoice) -> tuple[Person, ResidencyPermit] | None:
    """The resident the three details name, with their live permit; None when any detail is
    wrong or they hold none (one answer: it must not tell which)."""
    person = Person.objects.filter(civil_id=normalize_digits(choice.civil_id or "")).first()
    if (
        person is None
        or person.name_en.casefold() != normalize_text(choice.name_en or "").casefold()
        or person.passport_number != normalize_digits(choice.passport_number or "").upper()
    ):
        return None
    permit = (
        ResidencyPermit.objects.select_related("holder", "sponsor")
        .filter(holder=person, cancelled_at__isnull=True)
        .order_by("-expires_on")
        .first()
    )
    return (person, permit) if permit is not None else None


def _term(item: ApplicationItem, law: Law) -> TransferTerm | None:
    return law.transfer_term(item.from_article, item.article)


def service_since(item: ApplicationItem) -> dt.date:
    """Since when the holder has been with the sponsor they leave: their latest place on
    another file than the new sponsor's (it ends with the transfer), else the permit's issue."""
    cached = getattr(item, "_service_since", None)
    if cached is None:
        since = (
            Dependent.objects.filter(person_id=item.person_id)
            .exclude(sponsor_id=item.application.sponsor_id)
            .order_by("-since")
            .values_list("since", flat=True)
            .first()
        )
        cached = item._service_since = since or item.permit.issued_on
    return cached


def complete_years(since: dt.date, today: dt.date) -> int:
    years = today.year - since.year
    return years - 1 if (today.month, today.day) < (since.month, since.day) else years


class Transfer:
    name = "transfer"
    reference_prefix = "TR"
    title_en = "Residency transfer"
    title_ar = "تحويل إقامة"
    document_purpose = Purpose.TRANSFER

    def new_items(
        self,
        application: Application,
        choices: Sequence[PersonChoice],
        *,
        fields: Sequence[str],
        law: Law,
    ) -> list[NewItem]:
        return one_at_a_time(self._new_item, application, choices, fields=fields, law=law)

    def _new_item(
        self, application: Application, choice: PersonChoice, *, field: str, law: Law
    ) -> ApplicationItem:
        if not (choice.civil_id and choice.name_en and choice.passport_number):
            raise DomainError(ApplicationErrorCode.TRANSFER_PERSON_REQUIRED, field)
        if choice.to_article is None:
            raise DomainError(ApplicationErrorCode.TRANSFER_ARTICLE_REQUIRED, f"{field}.toArticle")
        named = _named(choice)
        if named is None:
            raise DomainError(ApplicationErrorCode.TRANSFER_PERSON_NOT_FOUND, field)
        person, permit = named
        sponsor = application.sponsor
        if permit.sponsor_id == sponsor.pk:
            raise DomainError(ApplicationErrorCode.TRANSFER_ALREADY_YOURS, field)
        words = {"from_article": permit.article, "to_article": choice.to_article}
        if law.transfer_term(permit.article, choice.to_article) is None:
            raise DomainError(ApplicationErrorCode.TRANSFER_NOT_OPEN, f"{field}.toArticle", words)
        article = law.article(choice.to_article)
        relations = list(article.relations) if article else []
        relation = choice.relation or (relations[0] if len(relations) == 1 else None)
        if (
            article is None
            or sponsor.kind not in article.sponsor_kinds
            or relation not in relations
        ):
            raise DomainError(
                ApplicationErrorCode.TRANSFER_SPONSOR_NOT_ELIGIBLE, f"{field}.toArticle", words
            )
        return ApplicationItem(
            application=application,
            person=person,
            permit=permit,
            months=choice.months,
            # Taken when every party has consented (``consents``): a request nobody agreed to
            # must not keep the person from being renewed meanwhile.
            open_person=None,
            relation=relation,
            article=choice.to_article,
            from_article=permit.article,
        )

    def durations(self, item: ApplicationItem, law: Law) -> Durations:
        bounds = [
            (law.max_months(item.article), Limit.ARTICLE),
            (months_within(law.day, item.person.passport_expiry), Limit.PASSPORT),
        ]
        if sponsor_bound(item):
            bounds.append((months_within(law.day, sponsor_expiry(item)), Limit.SPONSOR_PERMIT))
        most, limit = min(bounds, key=lambda bound: bound[0])
        return Durations(max_months=most, limited_by=limit)

    def item_problems(
        self, item: ApplicationItem, *, months: int | None, law: Law
    ) -> list[DomainError]:
        term = _term(item, law)
        words = {"from_article": item.from_article, "to_article": item.article}
        if term is None:  # closed since the item was made
            return [DomainError(ApplicationErrorCode.TRANSFER_NOT_OPEN, "toArticle", words)]
        problems: list[DomainError] = []
        if item.permit.expires_on < law.day:
            problems.append(DomainError(ApplicationErrorCode.TRANSFER_PERMIT_EXPIRED, "personId"))
        needed = term.min_months_with_sponsor
        if needed and add_months(service_since(item), needed) > law.day:
            problems.append(
                DomainError(
                    ApplicationErrorCode.TRANSFER_TOO_SOON,
                    "personId",
                    {**words, "months": needed},
                )
            )
        if months is None:
            return problems
        length = length_problems(item, months, law.max_months(item.article))
        if length:
            return problems + length
        _, end = transfer_period(months, law.day)
        return problems + end_problems(item, end)

    def consents(self, item: ApplicationItem, law: Law) -> list[ConsentAsked]:
        term = _term(item, law)
        if term is None:
            return []
        asked = []
        if term.current_sponsor_consent:
            asked.append(ConsentAsked(ConsentParty.CURRENT_SPONSOR, item.permit.sponsor_id))
        if term.new_sponsor_consent:
            asked.append(ConsentAsked(ConsentParty.NEW_SPONSOR, item.application.sponsor_id))
        if term.holder_consent:
            asked.append(ConsentAsked(ConsentParty.HOLDER))
        return asked

    def agencies(self, item: ApplicationItem) -> list[str]:
        agencies = [AgencyName.HEALTH, AgencyName.FINES, AgencyName.COURTS]
        if item.article == Article.PRIVATE_SECTOR:  # the work permit with the new employer
            agencies.append(AgencyName.MANPOWER)
        return agencies

    def subject(self, item: ApplicationItem, today: dt.date) -> Subject:
        start, end = transfer_period(item.months or 0, today)
        return subject_of(item.person, item.application.sponsor, start, end)

    def charges(self, item: ApplicationItem, law: Law, facts: Facts) -> list[Charge]:
        """The new article's residency fee; the transfer fee where the term charges one (once,
        and per complete year with the sponsor left); health cover for the new period unless
        insured to its end; the fines the fines check found."""
        months = item.months or 0
        charges = [Charge(ChargeKind.RESIDENCY_FEE, months=months, article=item.article)]
        term = _term(item, law)
        if term is not None and term.transfer_fee:
            charges.append(
                Charge(
                    ChargeKind.TRANSFER_FEE,
                    article=item.article,
                    from_article=item.from_article,
                    years_of_service=complete_years(service_since(item), law.day),
                )
            )
        _, end = transfer_period(months, law.day)
        charges += health_cover(months, end, facts) + agency_fines(facts)
        return charges

    def issue(self, item: ApplicationItem, today: dt.date) -> None:
        _, end = transfer_period(item.months or 0, today)
        permit_transfer(
            actor=None,
            permit=item.permit,
            sponsor=item.application.sponsor,
            article=item.article,
            relation=item.relation,
            expires_on=end,
        )


KIND = Transfer()
