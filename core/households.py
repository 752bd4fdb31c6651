"""Households built one way — people, a sponsor's file, its dependents and their permits — for
the demo (``core/demo.py``), the tests (``tests/factories.py``) and the benchmarks (``bench/``).

What exists already is kept: a person is found by civil ID, a user by name, a company by its
commercial registration, a government body by name, a dependent by its open sponsorship, a
member's permit by holder and sponsor; so ``seed_demo`` can run again. Whoever needs new people
gives serials nobody has (``unused`` moves them on, for a database that holds people already).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from core import access
from core.agencies.profiles import SimulatedProfile, find_civil_id
from core.articles import Article, Relation, SponsorKind
from core.civil_id import make_civil_id
from core.models import Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
from core.scopes import StaffRole
from core.services.accounts import api_token_create
from core.services.permits import permit_issue

PASSPORT_VALID_DAYS = 1500
PERMIT_TERM_DAYS = 365  # a permit was issued this long before it expires


@dataclass(frozen=True)
class PersonSpec:
    """Who someone is. The civil ID is the first valid one for the birth date from ``serial``
    on or, with ``traits``, the first whose simulated agency records fit (fines, no cover, …)."""

    name_en: str
    name_ar: str
    born: dt.date
    serial: int
    nationality: str = "IND"
    sex: str = "M"
    traits: Callable[[SimulatedProfile], bool] | None = None
    username: str | None = None  # signs in as this user
    passport_expiry: dt.date | None = None  # None: PASSPORT_VALID_DAYS from today

    def civil_id(self) -> str:
        if self.traits is not None:
            return find_civil_id(self.born, self.traits, self.serial)
        return make_civil_id(self.born, self.serial)


@dataclass(frozen=True)
class Member:
    """Someone on a sponsor's file, in what relation, holding a permit from it under
    ``article`` that expires ``expires_in`` days from today (None: no permit)."""

    person: PersonSpec
    relation: str = Relation.CHILD
    article: int = Article.FAMILY_JOIN
    expires_in: int | None = None


@dataclass(frozen=True)
class Employment:
    """The head's own residency: on an employer's file, with a permit from it."""

    employer: Sponsor
    expires_in: int
    article: int = Article.PRIVATE_SECTOR


@dataclass(frozen=True)
class Membership:
    person: Person
    permit: ResidencyPermit | None


@dataclass(frozen=True)
class Household:
    """An individual sponsor's file: its head and the members on it, in the order given."""

    head: Person
    sponsor: Sponsor
    members: tuple[Membership, ...]

    @property
    def user(self) -> AbstractBaseUser | None:
        return self.head.user

    @property
    def people(self) -> list[Person]:
        return [m.person for m in self.members]

    @property
    def permits(self) -> list[ResidencyPermit]:
        return [m.permit for m in self.members if m.permit is not None]


def login(username: str, password: str | None = None, **fields: Any) -> AbstractBaseUser:
    """The user of that name; a new one signs in with ``password`` (None: tokens only)."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def person(spec: PersonSpec, *, password: str | None = None) -> Person:
    found, _ = Person.objects.get_or_create(
        civil_id=spec.civil_id(),
        defaults=dict(
            name_en=spec.name_en,
            name_ar=spec.name_ar,
            nationality=spec.nationality,
            date_of_birth=spec.born,
            sex=spec.sex,
            passport_number=f"P{spec.serial:07d}",
            passport_expiry=spec.passport_expiry
            or timezone.localdate() + dt.timedelta(days=PASSPORT_VALID_DAYS),
        ),
    )
    if spec.username and found.user_id is None:
        found.user = login(spec.username, password)
        found.save(update_fields=["user"])
    return found


def unused(specs: Sequence[PersonSpec]) -> list[PersonSpec]:
    """The specs, each moved on to a serial whose civil ID nobody in the database has, nor an
    earlier spec of the list."""
    result = list(specs)
    claimed: set[str] = set()
    pending = list(range(len(result)))
    while pending:
        ids = {i: result[i].civil_id() for i in pending}
        taken = set(
            Person.objects.filter(civil_id__in=ids.values()).values_list("civil_id", flat=True)
        )
        retry = []
        for i in pending:
            if ids[i] in taken or ids[i] in claimed:
                result[i] = replace(result[i], serial=int(ids[i][7:11]) + 1)
                retry.append(i)
            else:
                claimed.add(ids[i])
        pending = retry
    return result


def individual(head: Person, *, salary: str = "1200.000") -> Sponsor:
    sponsor, _ = Sponsor.objects.get_or_create(
        kind=SponsorKind.INDIVIDUAL, person=head, defaults={"monthly_salary": salary}
    )
    return sponsor


def company(
    name_en: str,
    name_ar: str,
    *,
    registration: str,
    manpower_file: str,
    staff: Iterable[AbstractBaseUser] = (),
) -> Sponsor:
    sponsor = Sponsor.objects.filter(
        kind=SponsorKind.COMPANY, commercial_registration=registration
    ).first() or Sponsor.objects.create(
        kind=SponsorKind.COMPANY,
        name_en=name_en,
        name_ar=name_ar,
        commercial_registration=registration,
        manpower_file_number=manpower_file,
    )
    _add_staff(sponsor, staff)
    return sponsor


def government(
    name_en: str,
    name_ar: str,
    *,
    staff: Iterable[AbstractBaseUser] = (),
    kind: str = SponsorKind.GOVERNMENT,
) -> Sponsor:
    """A government body, or (``kind``) an embassy, consulate or mission."""
    sponsor = Sponsor.objects.filter(kind=kind, name_en=name_en).first() or Sponsor.objects.create(
        kind=kind, name_en=name_en, name_ar=name_ar
    )
    _add_staff(sponsor, staff)
    return sponsor


def _add_staff(sponsor: Sponsor, users: Iterable[AbstractBaseUser]) -> None:
    """Each user as an owner of the sponsor (what the ministry's first account is)."""
    for user in users:
        SponsorStaff.objects.get_or_create(
            sponsor=sponsor, user=user, defaults={"role": StaffRole.OWNER}
        )


def token(
    user: AbstractBaseUser,
    sponsor: Sponsor | None = None,
    *,
    scopes: Iterable[str] | None = None,
    days: int = 30,
    name: str = "integration",
) -> str:
    """A raw API token of the user for a sponsor (by default their own file, else the first
    they act for) with the scopes given (by default all they hold there), through the service."""
    represented = access.represented_sponsors(user)
    sponsor = sponsor or represented.filter(person__isnull=False).first() or represented.first()
    held = access.scopes_for(user, sponsor)
    _, raw = api_token_create(
        actor=user,
        sponsor_id=sponsor.pk if sponsor else None,
        name=name,
        scopes=held if scopes is None else scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return raw


def permit(holder: Person, sponsor: Sponsor, article: int, *, expires_in: int) -> ResidencyPermit:
    """A new permit, whatever the holder has already: a test may give someone a second one."""
    expires_on = timezone.localdate() + dt.timedelta(days=expires_in)
    return permit_issue(
        actor=None,
        holder=holder,
        sponsor=sponsor,
        article=article,
        issued_on=expires_on - dt.timedelta(days=PERMIT_TERM_DAYS),
        expires_on=expires_on,
    )


def join(sponsor: Sponsor, member: Member, *, password: str | None = None) -> Membership:
    """The member on the sponsor's file, with the permit they hold from it."""
    return _enrol(sponsor, person(member.person, password=password), member)


def _enrol(sponsor: Sponsor, someone: Person, member: Member) -> Membership:
    Dependent.objects.get_or_create(
        sponsor=sponsor, person=someone, ended_on=None, defaults={"relation": member.relation}
    )
    held = None
    if member.expires_in is not None:
        held = ResidencyPermit.objects.filter(holder=someone, sponsor=sponsor).first() or permit(
            someone, sponsor, member.article, expires_in=member.expires_in
        )
    return Membership(someone, held)


def household(
    head: PersonSpec,
    members: Sequence[Member],
    *,
    salary: str = "1200.000",
    employment: Employment | None = None,
    password: str | None = None,
) -> Household:
    """An individual sponsor's file: the head, their own employment if any, the members."""
    head_person = person(head, password=password)
    if employment is not None:
        job = Member(head, Relation.EMPLOYEE, employment.article, employment.expires_in)
        _enrol(employment.employer, head_person, job)
    sponsor = individual(head_person, salary=salary)
    joined = tuple(join(sponsor, member, password=password) for member in members)
    return Household(head_person, sponsor, joined)
