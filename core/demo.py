"""The demo data set, shared by ``manage.py seed_demo``, the benchmarks and tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from core.agencies.simulator import SimulatedProfile, find_civil_id
from core.articles import Article, Relation, SponsorKind
from core.civil_id import make_civil_id
from core.documents.models import Document
from core.documents.services import document_upload
from core.models import Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
from core.services.permits import permit_issue

DEMO_PASSWORD = "demo-pass-123"

FIRST_NAMES = [
    ("محمد", "Mohammed"),
    ("أحمد", "Ahmed"),
    ("علي", "Ali"),
    ("راجيش", "Rajesh"),
    ("سوريش", "Suresh"),
    ("خوسيه", "Jose"),
    ("مارك", "Mark"),
    ("أنيل", "Anil"),
    ("كريم", "Karim"),
    ("سامح", "Sameh"),
    ("رامي", "Rami"),
    ("جون", "John"),
    ("فيصل", "Faisal"),
    ("عمر", "Omar"),
    ("بيجو", "Biju"),
    ("رينالدو", "Reynaldo"),
]
LAST_NAMES = [
    ("كومار", "Kumar"),
    ("حسن", "Hassan"),
    ("إبراهيم", "Ibrahim"),
    ("سانتوس", "Santos"),
    ("ناير", "Nair"),
    ("عبد الله", "Abdullah"),
    ("رضا", "Reda"),
    ("ريس", "Reyes"),
    ("مينون", "Menon"),
    ("خان", "Khan"),
    ("فرج", "Farag"),
    ("دي كروز", "De Cruz"),
]
CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731
# Company workers the demo shows at the agencies: a travel ban, a court case for review.
WORKER_TRAITS = {0: lambda p: p.has_travel_ban, 6: lambda p: p.court_review}

NATIONALITIES = ["IND", "EGY", "PHL", "PAK", "BGD", "LKA", "NPL", "JOR", "SYR"]


@dataclass
class PersonSpec:
    name_ar: str
    name_en: str
    nationality: str
    born: dt.date
    sex: str
    serial: int
    # What the simulated agencies should hold about this person (fines, a travel ban, …).
    traits: Callable[[SimulatedProfile], bool] | None = None


def _person(spec: PersonSpec) -> Person:
    civil_id = (
        find_civil_id(spec.born, spec.traits, spec.serial)
        if spec.traits
        else make_civil_id(spec.born, spec.serial)
    )
    person, _ = Person.objects.get_or_create(
        civil_id=civil_id,
        defaults=dict(
            name_ar=spec.name_ar,
            name_en=spec.name_en,
            nationality=spec.nationality,
            date_of_birth=spec.born,
            sex=spec.sex,
            passport_number=f"P{spec.serial:07d}",
            passport_expiry=timezone.localdate() + dt.timedelta(days=900 + spec.serial % 700),
        ),
    )
    return person


def _user(username: str, *, is_staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": is_staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _permit(holder: Person, sponsor: Sponsor, article: int, expires_on: dt.date) -> None:
    if not ResidencyPermit.objects.filter(holder=holder, sponsor=sponsor).exists():
        permit_issue(
            actor=None,
            holder=holder,
            sponsor=sponsor,
            article=article,
            issued_on=expires_on - dt.timedelta(days=365),
            expires_on=expires_on,
        )


def _depend(sponsor: Sponsor, person: Person, relation: str) -> None:
    Dependent.objects.get_or_create(
        sponsor=sponsor, person=person, ended_on=None, defaults={"relation": relation}
    )


def family(
    sponsor: Sponsor, *, head_serial: int, children: int, domestic_worker: bool, today: dt.date
) -> list[Person]:
    """A wife, children and optionally a domestic worker on an individual sponsor's file."""
    members = [
        (
            PersonSpec(
                "بريا كومار",
                "Priya Kumar",
                "IND",
                dt.date(1988, 6, 14),
                "F",
                head_serial + 1,
                traits=lambda p: p.has_traffic_fines and p.fully_insured and not p.court_records,
            ),
            Relation.SPOUSE,
            Article.FAMILY_JOIN,
        )
    ]
    for i in range(children):
        members.append(
            (
                PersonSpec(
                    f"طفل {i + 1} كومار",
                    f"Child{i + 1} Kumar",
                    "IND",
                    dt.date(2012 + i * 3, 1 + i, 10 + i),
                    "M" if i % 2 else "F",
                    head_serial + 2 + i,
                    traits=(lambda p: p.uninsured) if i == 0 else CLEAN,
                ),
                Relation.CHILD,
                Article.FAMILY_JOIN,
            )
        )
    if domestic_worker:
        members.append(
            (
                PersonSpec(
                    "ماريا سانتوس",
                    "Maria Santos",
                    "PHL",
                    dt.date(1990, 2, 20),
                    "F",
                    head_serial + 50,
                    traits=CLEAN,
                ),
                Relation.DOMESTIC_WORKER,
                Article.DOMESTIC_WORKER,
            )
        )
    people = []
    for offset, (spec, relation, article) in enumerate(members):
        person = _person(spec)
        _depend(sponsor, person, relation)
        _permit(person, sponsor, article, today + dt.timedelta(days=40 + offset * 10))
        people.append(person)
    return people


def _demo_photo(label: str) -> bytes:
    shade = int(hashlib.sha256(label.encode()).hexdigest()[:6], 16)
    out = io.BytesIO()
    color = (shade % 256, shade // 256 % 256, shade // 65536 % 256)
    Image.new("RGB", (400, 500), color).save(out, "JPEG", quality=70)
    return out.getvalue()


def _demo_pdf(label: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def demo_documents(user, head: Person, members: list[Person], *, today: dt.date) -> None:
    """The archive of Rajesh's family: what their renewal needs, uploaded once, so the demo
    renewal reuses it (an officer can still ask for a new one)."""
    if Document.objects.filter(owner=head).exists():
        return
    later = today + dt.timedelta(days=900)

    def put(owner: Person, kind: str, content: bytes, name: str, **dates) -> None:
        document_upload(
            actor=user,
            owner_id=owner.pk,
            kind=kind,
            file=SimpleUploadedFile(name, content),
            **dates,
        )

    put(head, "salary_certificate", _demo_pdf("salary"), "salary.pdf", issued_on=today)
    put(head, "civil_id", _demo_pdf("civil id"), "civil-id.pdf", expires_on=later)
    for person in members:
        put(person, "personal_photo", _demo_photo(person.civil_id), "photo.jpg")
        put(
            person,
            "passport_copy",
            _demo_pdf(f"passport {person.civil_id}"),
            "passport.pdf",
            expires_on=person.passport_expiry,
        )
        relation = (
            person.sponsorships.filter(sponsor__person=head)
            .values_list("relation", flat=True)
            .first()
        )
        if relation == Relation.SPOUSE:
            put(person, "marriage_certificate", _demo_pdf("marriage"), "marriage.pdf")
        elif relation == Relation.CHILD:
            put(person, "birth_certificate", _demo_pdf(f"birth {person.civil_id}"), "birth.pdf")


@transaction.atomic
def seed_demo(*, company_workers: int = 200) -> dict[str, int]:
    today = timezone.localdate()
    rng = random.Random(2025)

    company = Sponsor.objects.filter(commercial_registration="CR-104233").first()
    if company is None:
        company = Sponsor.objects.create(
            kind=SponsorKind.COMPANY,
            name_en="Gulf Tech Trading Co.",
            name_ar="شركة الخليج التقنية للتجارة",
            commercial_registration="CR-104233",
            manpower_file_number="MPA-77120",
        )
    SponsorStaff.objects.get_or_create(sponsor=company, user=_user("hr.gulftech"))

    ministry = Sponsor.objects.filter(
        kind=SponsorKind.GOVERNMENT, name_en="Ministry of Health"
    ).first()
    if ministry is None:
        ministry = Sponsor.objects.create(
            kind=SponsorKind.GOVERNMENT, name_en="Ministry of Health", name_ar="وزارة الصحة"
        )
    SponsorStaff.objects.get_or_create(sponsor=ministry, user=_user("hr.moh"))
    _user("officer", is_staff=True)

    rajesh = _person(
        PersonSpec(
            "راجيش كومار",
            "Rajesh Kumar",
            "IND",
            dt.date(1985, 3, 2),
            "M",
            1,
            traits=lambda p: p.clear,
        )
    )
    if rajesh.user_id is None:
        rajesh.user = _user("rajesh")
        rajesh.save(update_fields=["user"])
    rajesh_file, _ = Sponsor.objects.get_or_create(
        kind=SponsorKind.INDIVIDUAL, person=rajesh, defaults={"monthly_salary": "1250.000"}
    )
    _depend(company, rajesh, Relation.EMPLOYEE)
    _permit(rajesh, company, Article.PRIVATE_SECTOR, today + dt.timedelta(days=540))
    members = family(rajesh_file, head_serial=1, children=2, domestic_worker=True, today=today)
    demo_documents(rajesh.user, rajesh, members, today=today)

    for i in range(company_workers):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        born = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        worker = _person(
            PersonSpec(
                f"{first[0]} {last[0]}",
                f"{first[1]} {last[1]}",
                NATIONALITIES[i % len(NATIONALITIES)],
                born,
                "M",
                1000 + i * 20,
                traits=WORKER_TRAITS.get(i),
            )
        )
        _depend(company, worker, Relation.EMPLOYEE)
        # About one worker in six has a permit expiring within 30 days.
        days = rng.randint(3, 29) if i % 6 == 0 else rng.randint(31, 700)
        _permit(worker, company, Article.PRIVATE_SECTOR, today + dt.timedelta(days=days))

    for i in range(5):
        doctor = _person(
            PersonSpec(
                "طبيب " + LAST_NAMES[i][0],
                "Dr. " + LAST_NAMES[i][1],
                NATIONALITIES[i],
                dt.date(1975 + i, 5, 5 + i),
                "F" if i % 2 else "M",
                9000 + i * 20,
            )
        )
        _depend(ministry, doctor, Relation.EMPLOYEE)
        _permit(doctor, ministry, Article.GOVERNMENT, today + dt.timedelta(days=200 + i * 30))

    return {
        "people": Person.objects.count(),
        "sponsors": Sponsor.objects.count(),
        "permits": ResidencyPermit.objects.count(),
    }
