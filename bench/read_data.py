"""What the read benchmark reads: sponsor files seeded through ``core.households``, the GraphQL
document a sponsor's app sends, and the hand-written view's path for the same read.

Imported once Django is set up (the models).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from strawberry import relay

from core import households
from core.articles import Article, Relation
from core.households import Member, Membership, PersonSpec
from core.models import Person, ResidencyPermit, Sponsor
from core.services.permits import permit_cancel

QUERY = """
query SponsorFile($id: ID!) {
  sponsor(id: $id) {
    nameEn
    dependents(first: 100) {
      edges { node {
        relation
        person { civilId nameEn nameAr permits { article expiresOn status } }
      } }
    }
  }
}
"""
# Permits expiring in so many days, in turn: valid, expiring, expired, valid; one in seven of
# them cancelled.
EXPIRIES = (200, 20, -5, 400)
BACKGROUND_WORKERS = 30
OTHER_FAMILY = 3


@dataclass
class SponsorFile:
    n: int
    pk: int
    global_id: str
    token: str


@dataclass
class Seeded:
    files: dict[int, SponsorFile] = field(default_factory=dict)
    sponsor_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    def remove(self) -> None:
        """Delete what the run seeded (used when the database is not ours to drop)."""
        ResidencyPermit.objects.filter(sponsor_id__in=self.sponsor_ids).delete()
        Sponsor.objects.filter(pk__in=self.sponsor_ids).delete()
        Person.objects.filter(pk__in=self.person_ids).delete()
        get_user_model().objects.filter(pk__in=self.user_ids).delete()


def graphql_body(file: SponsorFile) -> str:
    return json.dumps({"query": QUERY, "variables": {"id": file.global_id}})


def raw_path(file: SponsorFile) -> str:
    return f"/bench/raw/sponsor/{file.pk}/"


def seed(sizes: tuple[int, ...]) -> Seeded:
    """An individual sponsor (who signs in with an API token) per size, with that many
    dependents holding one permit each; plus a company and another family the sponsor must
    not see, so that the visibility rules have something to exclude."""
    rng = random.Random(1959)
    tag = secrets.token_hex(3)
    seeded = Seeded()

    def specs(count: int, label: str, username: str | None = None) -> list[PersonSpec]:
        return households.unused(
            [
                PersonSpec(
                    name_en=f"{label} {i}",
                    name_ar=f"شخص {i}",
                    born=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(20_000)),
                    serial=rng.randrange(10_000),
                    nationality=("IND", "EGY", "PHL", "PAK")[i % 4],
                    sex="MF"[i % 2],
                    username=username,
                )
                for i in range(count)
            ]
        )

    def members(count: int, label: str, relation: str, article: int) -> list[Member]:
        return [
            Member(spec, relation, article, expires_in=EXPIRIES[i % len(EXPIRIES)])
            for i, spec in enumerate(specs(count, label))
        ]

    def keep(memberships: tuple[Membership, ...]) -> None:
        for i, membership in enumerate(memberships):
            seeded.person_ids.append(membership.person.pk)
            if i % 7 == 6:
                permit_cancel(actor=None, permit=membership.permit, reason="read bench")

    def individual(n: int, label: str) -> households.Household:
        (head,) = specs(1, f"{label} head", username=f"bench-{tag}-{label}-head")
        dependents = members(n, f"{label} dependent", Relation.CHILD, Article.FAMILY_JOIN)
        built = households.household(head, dependents, salary="1500.000")
        seeded.person_ids.append(built.head.pk)
        seeded.user_ids.append(built.head.user_id)
        seeded.sponsor_ids.append(built.sponsor.pk)
        keep(built.members)
        return built

    with transaction.atomic():
        hr = households.login(f"bench-{tag}-hr")
        seeded.user_ids.append(hr.pk)
        company = households.company(
            f"Bench Contracting {tag}",
            "شركة",
            registration=f"CR-B-{tag}",
            manpower_file=f"MPA-B-{tag}",
            staff=[hr],
        )
        seeded.sponsor_ids.append(company.pk)
        workers = members(BACKGROUND_WORKERS, "Worker", Relation.EMPLOYEE, Article.PRIVATE_SECTOR)
        keep(tuple(households.join(company, worker) for worker in workers))
        individual(OTHER_FAMILY, "other")
        for n in sizes:
            built = individual(n, f"n{n}")
            raw = households.token(built.user, name=f"read bench n={n}")
            seeded.files[n] = SponsorFile(
                n=n,
                pk=built.sponsor.pk,
                global_id=relay.to_base64("Sponsor", built.sponsor.pk),
                token=raw,
            )
    return seeded
