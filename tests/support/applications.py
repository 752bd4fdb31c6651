"""Helpers for application tests: people with chosen simulated agency records, a renewal
submitted, its checks run."""

from __future__ import annotations

import itertools

from core.agencies.simulator import find_civil_id
from core.applications.checks import check_run
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.models import AgencyCheck, Application
from core.applications.services import application_create, application_submit

_serials = itertools.count(100, 37)


def give_profile(person, wanted) -> None:
    person.civil_id = find_civil_id(person.date_of_birth, wanted, next(_serials))
    person.save(update_fields=["civil_id"])


def create(h, *people, months: int | None = 12, user=None) -> Application:
    """A draft renewal of these people on the household's file."""
    return application_create(
        actor=user or h["user"],
        kind=RENEWAL.name,
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(p.pk, months) for p in people],
    )


def submit(h, *people) -> Application:
    app = create(h, *people)
    return application_submit(actor=h["user"], application_id=app.pk)


def run_all(app) -> list[str]:
    return [check_run(check_id=c.pk) for c in AgencyCheck.objects.filter(item__application=app)]
