"""What the bulk benchmark seeds and reads from the database: a company's workforce, when the
job's last check settled, what became of every worker, and its summary.

Imported once Django is set up (the models).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from strawberry import relay

from core import households
from core.applications.models import FINISHED_CHECKS, AgencyCheck
from core.articles import Article, Relation
from core.bulk.models import BulkRenewal, BulkState
from core.bulk.selectors import outcome_counts
from core.households import Member, PersonSpec

NATIONALITIES = ("IND", "EGY", "PHL", "PAK", "BGD", "NPL")


@dataclass(frozen=True)
class Company:
    sponsor_gid: str
    workers: list[dict[str, Any]]  # as the HR system sends them: civil ID and months
    token: str


def seed(count: int) -> Company:
    """A company whose ``count`` workers' permits all fall in the renewal window, and an API
    token of its owner."""
    rng = random.Random(count)
    tag = secrets.token_hex(3)
    specs = households.unused(
        [
            PersonSpec(
                name_en=f"Worker {i}",
                name_ar=f"عامل {i}",
                born=dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(12_000)),
                serial=rng.randrange(10_000),
                nationality=NATIONALITIES[i % len(NATIONALITIES)],
            )
            for i in range(count)
        ]
    )
    owner = households.login(f"hr-{tag}", None)
    with transaction.atomic():
        company = households.company(
            f"Bulk Contracting {tag}",
            "شركة المقاولات",
            registration=f"CR-{tag}",
            manpower_file=f"MPA-{tag}",
            staff=[owner],
        )
        people = [
            households.join(
                company,
                Member(spec, Relation.EMPLOYEE, Article.PRIVATE_SECTOR, 20 + rng.randrange(60)),
            ).person
            for spec in specs
        ]
    return Company(
        sponsor_gid=relay.to_base64("Sponsor", company.pk),
        workers=[{"civilId": p.civil_id, "months": 12} for p in people],
        token=households.token(owner, company, name="bulk bench"),
    )


def _job(job_gid: str) -> BulkRenewal:
    return BulkRenewal.objects.get(pk=int(relay.from_base64(job_gid)[1]))


def _job_checks(job: BulkRenewal) -> Any:
    return AgencyCheck.objects.filter(item__bulk_worker__job=job)


def wait_settled(job_gid: str, timeout: float) -> dict[str, Any]:
    """Wait until the job is taken up and none of its workers' checks is unsettled; when the
    last one settled, and what became of everyone."""
    deadline = time.monotonic() + timeout
    while True:
        job = _job(job_gid)
        unsettled = _job_checks(job).exclude(status__in=FINISHED_CHECKS).count()
        if (job.state != BulkState.ACCEPTED and not unsettled) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    last = _job_checks(job).aggregate(at=Max("updated_at"))["at"]
    return {
        "last_settled_at": last,
        "unsettled_checks": unsettled,
        "checks": _job_checks(job).count(),
        "outcomes": outcome_counts(job),
        "state": job.state,
    }


def summary(
    args: argparse.Namespace, accept_s: float, answered_at: dt.datetime, settled: dict[str, Any]
) -> dict[str, Any]:
    last = settled["last_settled_at"]
    settle_s = round((last - answered_at).total_seconds(), 2) if last else None
    outcomes = settled["outcomes"]
    lost = outcomes["pending"] + settled["unsettled_checks"]
    return {
        "outcomes": {k: v for k, v in outcomes.items() if v},
        "checks": settled["checks"],
        "unsettled_checks": settled["unsettled_checks"],
        "job_state": settled["state"],
        "processes": args.processes,
        "agency_latency_ms": args.latency_ms,
        "line": {
            "workers": args.workers,
            "accept_s": round(accept_s, 2),
            "settle_s": settle_s,
            "lost": lost,
        },
    }
