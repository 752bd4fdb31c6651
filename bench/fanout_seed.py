"""The fan-out benchmark's applications: sponsors seeded through ``core.households``, each with
a draft renewal for their child, and the API token their subscribers sign in with.

Imported once Django is set up (the models).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from strawberry import relay

from core import households
from core.applications.services import PersonChoice, application_create
from core.articles import Relation
from core.households import Employment, Member, PersonSpec

NATIONALITIES = ("IND", "EGY", "PHL", "PAK")


@dataclass
class Watched:
    pk: int
    gid: str
    token: str
    sponsor_id: int


def seed(apps: int) -> list[Watched]:
    """``apps`` individual sponsors who work for one company, each with a child whose permit is
    in the renewal window and a draft application for it, made through ``application_create``;
    and an API token each."""
    rng = random.Random(2024)
    tag = secrets.token_hex(3)
    heads = [
        PersonSpec(
            name_en=f"Head {i}",
            name_ar=f"شخص {i}",
            born=dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(10_000)),
            serial=rng.randrange(10_000),
            nationality=NATIONALITIES[i % len(NATIONALITIES)],
            username=f"fanout-{tag}-{i}",
        )
        for i in range(apps)
    ]
    children = [
        PersonSpec(
            name_en=f"Child {i}",
            name_ar=f"شخص {i}",
            born=dt.date(2016, 1 + i % 12, 1 + i % 28),
            serial=rng.randrange(10_000),
            nationality=NATIONALITIES[i % len(NATIONALITIES)],
        )
        for i in range(apps)
    ]
    people = households.unused(heads + children)
    with transaction.atomic():
        employer = households.company(
            f"Fanout Employer {tag}",
            "شركة",
            registration=f"CR-F-{tag}",
            manpower_file=f"MPA-F-{tag}",
        )
        homes = [
            households.household(
                head,
                [Member(child, Relation.CHILD, expires_in=45)],
                salary="1500.000",
                employment=Employment(employer, expires_in=1200),
            )
            for head, child in zip(people[:apps], people[apps:], strict=True)
        ]

    watched = []
    for home in homes:
        (child,) = home.people
        app = application_create(
            kind="renewal",
            actor=home.user,
            sponsor_id=home.sponsor.pk,
            people=[PersonChoice(child.pk, 12)],
        )
        raw = households.token(home.user, name="fanout bench")
        watched.append(
            Watched(
                pk=app.pk,
                gid=relay.to_base64("RenewalApplication", app.pk),
                token=raw,
                sponsor_id=home.sponsor.pk,
            )
        )
    return watched
