"""Test data through the one household builder (``core.households``): new people with valid
civil IDs, sponsors, permits, users, and the two families most tests start from."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from core import households
from core.articles import Article, Relation
from core.households import Employment, Member, PersonSpec
from core.models import Dependent, Person, ResidencyPermit, Sponsor

_serial = itertools.count(1)
PASSWORD = "test-pass-9876"


def user(username: str | None = None, **extra: Any) -> AbstractBaseUser:
    return households.login(username or f"user{next(_serial)}", PASSWORD, **extra)


def spec(
    *,
    name_en: str = "Test Person",
    name_ar: str = "شخص تجريبي",
    born: dt.date = dt.date(1990, 1, 15),
    nationality: str = "IND",
    sex: str = "M",
    passport_expiry: dt.date | None = None,
    login: bool = False,
) -> PersonSpec:
    """Someone new: serials 13 apart give different civil IDs (``make_civil_id`` looks at most
    ten serials on for a valid one)."""
    n = next(_serial)
    return PersonSpec(
        name_en=name_en,
        name_ar=name_ar,
        born=born,
        serial=n * 13,
        nationality=nationality,
        sex=sex,
        username=f"user{n}" if login else None,
        passport_expiry=passport_expiry,
    )


def person(**spec_kw: Any) -> Person:
    return households.person(spec(**spec_kw), password=PASSWORD)


def individual_sponsor(head: Person | None = None, salary: str = "1200.000") -> Sponsor:
    return households.individual(head or person(login=True), salary=salary)


def company(name: str = "Acme Contracting", staff: int = 1) -> tuple[Sponsor, list]:
    n = next(_serial)
    users = [user() for _ in range(staff)]
    sponsor = households.company(
        f"{name} {n}",
        "شركة أكمي",
        registration=f"CR-{n}",
        manpower_file=f"MPA-{n}",
        staff=users,
    )
    return sponsor, users


def dependent(sponsor: Sponsor, relation: str = Relation.CHILD, **spec_kw: Any) -> Person:
    return households.join(sponsor, Member(spec(**spec_kw), relation), password=PASSWORD).person


def permit(
    holder: Person,
    sponsor: Sponsor,
    article: int = Article.FAMILY_JOIN,
    days_left: int = 200,
) -> ResidencyPermit:
    return households.permit(holder, sponsor, article, expires_in=days_left)


def family(children: int = 2) -> dict:
    """An individual sponsor who signs in, with a wife (who signs in too), children and a
    domestic worker."""
    kids = [
        Member(spec(name_en=f"Kid {i}", born=dt.date(2015, 1 + i, 1)), expires_in=200)
        for i in range(children)
    ]
    built = households.household(
        spec(name_en="Head Of Family", login=True),
        [
            Member(spec(name_en="Wife", sex="F", login=True), Relation.SPOUSE, expires_in=200),
            *kids,
            Member(
                spec(name_en="Maid", sex="F"),
                Relation.DOMESTIC_WORKER,
                Article.DOMESTIC_WORKER,
                expires_in=200,
            ),
        ],
        password=PASSWORD,
    )
    wife, *children_, maid = built.people
    return {
        "head": built.head,
        "user": built.user,
        "sponsor": built.sponsor,
        "wife": wife,
        "kids": children_,
        "maid": maid,
        "permits": built.permits,
    }


def household() -> dict:
    """A sponsor who signs in, holds his own permit from his employer for years, with a wife, a
    child and a maid whose permits are inside the renewal window."""
    employer, _ = company("Employer")
    built = households.household(
        spec(name_en="Ahmed Hassan", login=True),
        [
            Member(spec(name_en="Mona Hassan", sex="F"), Relation.SPOUSE, expires_in=45),
            Member(spec(name_en="Omar Hassan"), Relation.CHILD, expires_in=45),
            Member(
                spec(name_en="Ana Reyes", sex="F"),
                Relation.DOMESTIC_WORKER,
                Article.DOMESTIC_WORKER,
                expires_in=20,
            ),
        ],
        salary="1250.000",
        employment=Employment(employer, expires_in=1200),
        password=PASSWORD,
    )
    wife, child, maid = built.members
    return {
        "user": built.user,
        "head": built.head,
        "sponsor": built.sponsor,
        "wife": wife.person,
        "child": child.person,
        "maid": maid.person,
        "permits": {"wife": wife.permit, "child": child.permit, "maid": maid.permit},
    }


def self_sponsored(
    article: int = Article.SELF_RESIDENCE, days_left: int = 40, **spec_kw: Any
) -> dict:
    """A resident who sponsors themself (Art. 24, or Art. 19) and signs in."""
    head = person(login=True, **spec_kw)
    sponsor = households.individual(head, salary="2500.000")
    own = households.permit(head, sponsor, article, expires_in=days_left)
    return {"person": head, "user": head.user, "sponsor": sponsor, "permit": own}


def employed_worker(days_left: int = 40, article: int = Article.PRIVATE_SECTOR) -> dict:
    """A company (or, for Art. 17, a government body) with an HR user, and a worker on its file
    who signs in, his permit inside the renewal window."""
    if article == Article.GOVERNMENT:
        employer = households.government(f"Ministry {next(_serial)}", "وزارة", staff=[user()])
        staff = employer.staff.get().user
    else:
        employer, [staff] = company("Gulf Works")
    worker = households.join(
        employer,
        Member(spec(name_en="Worker One", login=True), Relation.EMPLOYEE, article, days_left),
        password=PASSWORD,
    )
    return {"employer": employer, "staff": staff, "worker": worker.person, "permit": worker.permit}


def domestic_worker(*, years: int = 2, kuwaiti_household: bool = False) -> dict:
    """A household (signs in) whose domestic worker (signs in too) has served it ``years``,
    her Art. 20 residency inside the renewal window."""
    head = person(login=True, nationality="KWT" if kuwaiti_household else "IND")
    sponsor = households.individual(head)
    if not kuwaiti_household:
        households.permit(head, sponsor, Article.SELF_RESIDENCE, expires_in=1500)
    maid = households.join(
        sponsor,
        Member(
            spec(name_en="Maria Santos", sex="F", nationality="PHL", login=True),
            Relation.DOMESTIC_WORKER,
            Article.DOMESTIC_WORKER,
            expires_in=60,
        ),
        password=PASSWORD,
    )
    since = dt.date.today() - dt.timedelta(days=365 * years + years // 4 + 1)
    Dependent.objects.filter(sponsor=sponsor, person=maid.person).update(since=since)
    return {
        "household": sponsor,
        "user": head.user,
        "head": head,
        "maid": maid.person,
        "permit": maid.permit,
    }


def temporary_resident(sponsor: Sponsor | None = None) -> dict:
    """A resident (signs in) on an Art. 14 temporary residence, live for months yet."""
    sponsor = sponsor or company("Interim Services")[0]
    held = households.join(
        sponsor,
        Member(
            spec(name_en="Tenzin Dorje", login=True),
            Relation.EMPLOYEE,
            Article.TEMPORARY,
            expires_in=60,
        ),
        password=PASSWORD,
    )
    return {"person": held.person, "permit": held.permit, "sponsor": sponsor}
