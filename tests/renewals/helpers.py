"""Helpers for renewal tests: people with chosen simulated agency records, and running checks."""

from __future__ import annotations

import itertools

from core.agencies.simulator import find_civil_id
from core.renewals.checks import check_run
from core.renewals.models import AgencyCheck, RenewalApplication
from core.renewals.services import PersonChoice, renewal_create, renewal_submit

_serials = itertools.count(100, 37)


def give_profile(person, wanted) -> None:
    person.civil_id = find_civil_id(person.date_of_birth, wanted, next(_serials))
    person.save(update_fields=["civil_id"])


def submit(h, *people) -> RenewalApplication:
    app = renewal_create(
        actor=h["user"],
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(p.pk, 12) for p in people],
    )
    return renewal_submit(actor=h["user"], application_id=app.pk)


def run_all(app) -> list[str]:
    return [check_run(check_id=c.pk) for c in AgencyCheck.objects.filter(item__application=app)]
