"""The submit benchmark's people: sponsors seeded through ``core.households``, each with a
child whose permit is in the renewal window, and an API token each; and two more families (one
child, four children) whose create + submit is counted statement by statement.

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
from core.articles import Relation
from core.households import Employment, Household, Member, PersonSpec

NATIONALITIES = ("IND", "EGY", "PHL", "PAK")


@dataclass(frozen=True)
class Renewing:
    """A sponsor who will renew their children's permits, over the API."""

    sponsor_gid: str
    person_gids: tuple[str, ...]
    token: str


def _spec(rng: random.Random, i: int, name: str, born: dt.date, username: str = "") -> PersonSpec:
    return PersonSpec(
        name_en=f"{name} {i}",
        name_ar=f"شخص {i}",
        born=born,
        serial=rng.randrange(10_000),
        nationality=NATIONALITIES[i % len(NATIONALITIES)],
        username=username,
    )


def seed(sponsors: int, children: int = 1, *, label: str = "submit") -> list[Renewing]:
    """``sponsors`` individual sponsors who work for one company, each with ``children``
    children whose permits are in the renewal window."""
    rng = random.Random(sponsors * 31 + children)
    tag = secrets.token_hex(3)
    heads = [
        _spec(
            rng,
            i,
            "Head",
            dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(10_000)),
            username=f"{label}-{tag}-{i}",
        )
        for i in range(sponsors)
    ]
    kids = [
        _spec(rng, i * children + k, "Child", dt.date(2010 + k, 1 + i % 12, 1 + i % 28))
        for i in range(sponsors)
        for k in range(children)
    ]
    people = households.unused(heads + kids)
    with transaction.atomic():
        employer = households.company(
            f"{label.title()} Employer {tag}",
            "شركة",
            registration=f"CR-{tag}",
            manpower_file=f"MPA-{tag}",
        )
        homes: list[Household] = [
            households.household(
                head,
                [
                    Member(kid, Relation.CHILD, expires_in=45)
                    for kid in people[sponsors + i * children : sponsors + (i + 1) * children]
                ],
                salary="1500.000",
                employment=Employment(employer, expires_in=1200),
            )
            for i, head in enumerate(people[:sponsors])
        ]
    renewing = []
    for home in homes:
        raw = households.token(home.user, name=f"{label} bench")
        renewing.append(
            Renewing(
                sponsor_gid=relay.to_base64("Sponsor", home.sponsor.pk),
                person_gids=tuple(relay.to_base64("Person", p.pk) for p in home.people),
                token=raw,
            )
        )
    return renewing
