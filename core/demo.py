"""The demo data set (``manage.py seed_demo``): named people with the agency records the demo
shows, a company with its workers, its papers and a delegate, a ministry with its doctors, an
embassy with its staff, a resident who signs for a company not yet registered, built through
``core.households`` and the services."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from core import households
from core.agencies.base import CourtRecordKind
from core.articles import Article, Relation, SponsorKind
from core.documents.models import Document
from core.documents.services import document_upload
from core.households import Employment, Member, PersonSpec
from core.models import Dependent, Person, ResidencyPermit, Sponsor, SponsorStaff
from core.scopes import Scope
from core.sponsors.delegates import delegate_grant

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
# Company workers the demo shows at the agencies: a deportation order (blocked), a travel ban
# and a judgment (each for an officer's review).
WORKER_TRAITS = {
    0: lambda p: p.has_deportation_order,
    3: lambda p: p.court_records_only(CourtRecordKind.TRAVEL_BAN),
    6: lambda p: p.court_records_only(CourtRecordKind.JUDGMENT),
}

NATIONALITIES = ["IND", "EGY", "PHL", "PAK", "BGD", "LKA", "NPL", "JOR", "SYR"]

RAJESH = PersonSpec(
    name_en="Rajesh Kumar",
    name_ar="راجيش كومار",
    born=dt.date(1985, 3, 2),
    serial=1,
    traits=lambda p: p.clear,
    username="rajesh",
)


def rajesh_family(*, children: int, domestic_worker: bool) -> list[Member]:
    """His wife, children and domestic worker, their permits inside the renewal window. The
    agencies hold traffic fines for his wife and no health cover for his first child."""
    people = [
        (
            PersonSpec(
                name_en="Priya Kumar",
                name_ar="بريا كومار",
                born=dt.date(1988, 6, 14),
                serial=RAJESH.serial + 1,
                sex="F",
                traits=lambda p: p.has_traffic_fines and p.fully_insured and not p.court_records,
            ),
            Relation.SPOUSE,
            Article.FAMILY_JOIN,
        )
    ]
    for i in range(children):
        child = PersonSpec(
            name_en=f"Child{i + 1} Kumar",
            name_ar=f"طفل {i + 1} كومار",
            born=dt.date(2012 + i * 3, 1 + i, 10 + i),
            serial=RAJESH.serial + 2 + i,
            sex="M" if i % 2 else "F",
            traits=(lambda p: p.uninsured) if i == 0 else CLEAN,
        )
        people.append((child, Relation.CHILD, Article.FAMILY_JOIN))
    if domestic_worker:
        maid = PersonSpec(
            name_en="Maria Santos",
            name_ar="ماريا سانتوس",
            born=dt.date(1990, 2, 20),
            serial=RAJESH.serial + 50,
            nationality="PHL",
            sex="F",
            # A work permit the Manpower Authority knows: she can move to a company (Art. 18).
            traits=lambda p: CLEAN(p) and p.valid_work_permit,
            username="maria",
        )
        people.append((maid, Relation.DOMESTIC_WORKER, Article.DOMESTIC_WORKER))
    return [
        Member(spec, relation, article, expires_in=40 + offset * 10)
        for offset, (spec, relation, article) in enumerate(people)
    ]


def company_worker(i: int) -> PersonSpec:
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return PersonSpec(
        name_en=f"{first[1]} {last[1]}",
        name_ar=f"{first[0]} {last[0]}",
        born=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
        serial=1000 + i * 20,
        nationality=NATIONALITIES[i % len(NATIONALITIES)],
        traits=WORKER_TRAITS.get(i),
    )


# A resident the simulated Manpower Authority lists as a signatory of an active establishment not
# yet registered here: she registers it (README).
NOURA = PersonSpec(
    name_en="Noura Al-Mutairi",
    name_ar="نورة المطيري",
    born=dt.date(1982, 9, 9),
    serial=7000,
    nationality="KWT",
    sex="F",
    username="noura",
)


def embassy_staff(i: int) -> PersonSpec:
    first = FIRST_NAMES[(i * 5 + 6) % len(FIRST_NAMES)]
    last = LAST_NAMES[(i + 7) % len(LAST_NAMES)]
    return PersonSpec(
        name_en=f"{first[1]} {last[1]}",
        name_ar=f"{first[0]} {last[0]}",
        born=dt.date(1980 + i, 3, 3 + i),
        serial=9500 + i * 20,
        nationality="PHL",
    )


def company_papers(company: Sponsor, staff, *, today: dt.date) -> None:
    """Gulf Tech's own papers, uploaded once: every Art. 18 renewal of theirs uses them."""
    if Document.objects.filter(sponsor=company).exists():
        return
    for kind in ("commercial_licence", "authorised_signatory"):
        document_upload(
            actor=staff,
            owner_id=None,
            sponsor_id=company.pk,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", _demo_pdf(kind)),
            expires_on=today + dt.timedelta(days=700),
        )


def ministry_doctor(i: int) -> PersonSpec:
    return PersonSpec(
        name_en="Dr. " + LAST_NAMES[i][1],
        name_ar="طبيب " + LAST_NAMES[i][0],
        born=dt.date(1975 + i, 5, 5 + i),
        serial=9000 + i * 20,
        nationality=NATIONALITIES[i],
        sex="F" if i % 2 else "M",
    )


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

    hr = households.login("hr.gulftech", DEMO_PASSWORD)
    company = households.company(
        "Gulf Tech Trading Co.",
        "شركة الخليج التقنية للتجارة",
        registration="CR-104233",
        manpower_file="MPA-77120",
        staff=[hr],
    )
    company_papers(company, hr, today=today)
    clerk = households.login("hr.clerk", DEMO_PASSWORD)
    if not SponsorStaff.objects.filter(sponsor=company, user=clerk).exists():
        scopes = [Scope.VIEW_WORKERS, Scope.RENEW]  # renews; the owner pays
        delegate_grant(actor=hr, sponsor_id=company.pk, username=clerk.username, scopes=scopes)
    embassy = households.government(
        "Embassy of the Philippines",
        "سفارة الفلبين",
        staff=[households.login("hr.embassy", DEMO_PASSWORD)],
        kind=SponsorKind.MISSION,
    )
    households.person(NOURA, password=DEMO_PASSWORD)
    ministry = households.government(
        "Ministry of Health", "وزارة الصحة", staff=[households.login("hr.moh", DEMO_PASSWORD)]
    )
    households.login("officer", DEMO_PASSWORD, is_staff=True)

    rajesh = households.household(
        RAJESH,
        rajesh_family(children=2, domestic_worker=True),
        salary="1250.000",
        employment=Employment(company, expires_in=540),
        password=DEMO_PASSWORD,
    )
    demo_documents(rajesh.user, rajesh.head, rajesh.people, today=today)
    # Two years with the family: long enough to be transferred to a company (docs/transfers.md).
    Dependent.objects.filter(
        sponsor=rajesh.sponsor, relation=Relation.DOMESTIC_WORKER, ended_on__isnull=True
    ).update(since=today - dt.timedelta(days=731))

    for i in range(company_workers):
        # About one worker in six has a permit expiring within 30 days.
        days = rng.randint(3, 29) if i % 6 == 0 else rng.randint(31, 700)
        job = Member(company_worker(i), Relation.EMPLOYEE, Article.PRIVATE_SECTOR, days)
        households.join(company, job)
    for i in range(5):
        job = Member(ministry_doctor(i), Relation.EMPLOYEE, Article.GOVERNMENT, 200 + i * 30)
        households.join(ministry, job)
    for i in range(2):
        job = Member(embassy_staff(i), Relation.EMPLOYEE, Article.GOVERNMENT, 25 + i * 300)
        households.join(embassy, job)

    return {
        "people": Person.objects.count(),
        "sponsors": Sponsor.objects.count(),
        "permits": ResidencyPermit.objects.count(),
    }
