"""Plain builders for test data: valid civil IDs, people, sponsors, permits, users."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.articles import Article, Relation, SponsorKind
from core.civil_id import make_civil_id
from core.models import Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
from core.services.permits import permit_issue

_serial = itertools.count(1)
PASSWORD = "test-pass-9876"


def user(username: str | None = None, **extra):
    username = username or f"user{next(_serial)}"
    u = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    return u


def person(
    *,
    name_en: str = "Test Person",
    name_ar: str = "شخص تجريبي",
    born: dt.date = dt.date(1990, 1, 15),
    nationality: str = "IND",
    sex: str = "M",
    passport_expiry: dt.date | None = None,
    login: bool = False,
) -> Person:
    p = Person.objects.create(
        civil_id=make_civil_id(born, next(_serial) * 13),
        name_en=name_en,
        name_ar=name_ar,
        nationality=nationality,
        date_of_birth=born,
        sex=sex,
        passport_number=f"T{next(_serial):07d}",
        passport_expiry=passport_expiry or timezone.localdate() + dt.timedelta(days=1500),
    )
    if login:
        p.user = user()
        p.save(update_fields=["user"])
    return p


def individual_sponsor(head: Person | None = None, salary: str = "1200.000") -> Sponsor:
    head = head or person(login=True)
    return Sponsor.objects.create(kind=SponsorKind.INDIVIDUAL, person=head, monthly_salary=salary)


def company(name: str = "Acme Contracting", staff: int = 1) -> tuple[Sponsor, list]:
    n = next(_serial)
    c = Sponsor.objects.create(
        kind=SponsorKind.COMPANY,
        name_en=f"{name} {n}",
        name_ar="شركة أكمي",
        commercial_registration=f"CR-{n}",
        manpower_file_number=f"MPA-{n}",
    )
    users = [user() for _ in range(staff)]
    for u in users:
        SponsorStaff.objects.create(sponsor=c, user=u)
    return c, users


def dependent(sponsor: Sponsor, relation: str = Relation.CHILD, **person_kw) -> Person:
    p = person(**person_kw)
    Dependent.objects.create(sponsor=sponsor, person=p, relation=relation)
    return p


def permit(
    holder: Person,
    sponsor: Sponsor,
    article: int = Article.FAMILY_JOIN,
    days_left: int = 200,
) -> ResidencyPermit:
    expires = timezone.localdate() + dt.timedelta(days=days_left)
    return permit_issue(
        actor=None,
        holder=holder,
        sponsor=sponsor,
        article=article,
        issued_on=expires - dt.timedelta(days=365),
        expires_on=expires,
    )


def family(children: int = 2) -> dict:
    """An individual sponsor who signs in, with a wife, children and a domestic worker."""
    head = person(name_en="Head Of Family", login=True)
    sponsor = individual_sponsor(head)
    wife = dependent(sponsor, Relation.SPOUSE, name_en="Wife", sex="F", login=True)
    kids = [
        dependent(sponsor, Relation.CHILD, name_en=f"Kid {i}", born=dt.date(2015, 1 + i, 1))
        for i in range(children)
    ]
    maid = dependent(sponsor, Relation.DOMESTIC_WORKER, name_en="Maid", sex="F")
    permits = [permit(p, sponsor) for p in (wife, *kids)]
    permits.append(permit(maid, sponsor, Article.DOMESTIC_WORKER))
    return {
        "head": head,
        "user": head.user,
        "sponsor": sponsor,
        "wife": wife,
        "kids": kids,
        "maid": maid,
        "permits": permits,
    }


def household() -> dict:
    """A sponsor who signs in, holds his own permit for years, with a wife, a child and a maid
    whose permits are inside the renewal window."""
    head = person(name_en="Ahmed Hassan", login=True)
    sponsor = individual_sponsor(head, salary="1250.000")
    employer, _ = company("Employer")
    permit(head, employer, article=Article.PRIVATE_SECTOR, days_left=1200)
    wife = dependent(sponsor, Relation.SPOUSE, name_en="Mona Hassan", sex="F")
    child = dependent(sponsor, Relation.CHILD, name_en="Omar Hassan")
    maid = dependent(sponsor, Relation.DOMESTIC_WORKER, name_en="Ana Reyes", sex="F")
    permits = {
        "wife": permit(wife, sponsor, Article.FAMILY_JOIN, days_left=45),
        "child": permit(child, sponsor, Article.FAMILY_JOIN, days_left=45),
        "maid": permit(maid, sponsor, Article.DOMESTIC_WORKER, days_left=20),
    }
    return {
        "user": head.user,
        "head": head,
        "sponsor": sponsor,
        "wife": wife,
        "child": child,
        "maid": maid,
        "permits": permits,
    }
