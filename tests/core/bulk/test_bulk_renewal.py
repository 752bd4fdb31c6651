"""A bulk renewal: accepted at once with its key (the same key, the same job), then worked
through: each worker the rules refuse is told why, the rest are submitted on one application;
a dry run answers each worker from the preview and writes nothing; another company cannot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.applications.models import Application
from core.articles import Article, Relation
from core.bulk.errors import BulkErrorCode
from core.bulk.models import BulkRenewal, BulkState
from core.bulk.selectors import outcome_counts, workers_with_outcome
from core.bulk.services import WorkerAsked, bulk_renewal_accept, bulk_renewal_process
from core.errors import DomainError
from core.households import Member, join
from payments.bulk_preview import bulk_renewal_dry_run
from tests import factories
from tests.support.applications import give_profile, run_all

pytestmark = pytest.mark.django_db
CLEAN = lambda p: (  # noqa: E731
    p.fully_insured and not p.fines and not p.court_records and p.valid_work_permit
)


@pytest.fixture
def company():
    """A company with four workers: three due (one within the window each), one not yet."""
    sponsor, [hr] = factories.company("Gulf Works")

    def worker(name: str, days: int):
        person = join(
            sponsor,
            Member(factories.spec(name_en=name), Relation.EMPLOYEE, Article.PRIVATE_SECTOR, days),
        ).person
        give_profile(person, CLEAN)
        return person

    people = [worker(f"Worker {i}", 20 + i) for i in range(3)] + [worker("Not Yet", 300)]
    return sponsor, hr, people


def asked(people, *extra: str, months: int = 12) -> list[WorkerAsked]:
    return [WorkerAsked(p.civil_id, months) for p in people] + [
        WorkerAsked(c, months) for c in extra
    ]


def codes(worker) -> list[str]:
    return [p["code"] for p in worker.problems]


def test_accepted_at_once_then_split_worker_by_worker(company, django_capture_on_commit_callbacks):
    sponsor, hr, people = company
    stranger = factories.person()  # on nobody's file of this company
    request = asked(people, stranger.civil_id, people[0].civil_id)
    with django_capture_on_commit_callbacks() as queued:
        job = bulk_renewal_accept(
            actor=hr, sponsor_id=sponsor.pk, workers=request, idempotency_key="hr-2026-12-06"
        )
    assert job.state == BulkState.ACCEPTED and job.requested == 6
    assert len(queued) == 1  # the workers take it up once committed
    assert not Application.objects.exists()

    assert bulk_renewal_process(job_id=job.pk).endswith("3 submitted, 3 refused")
    assert bulk_renewal_process(job_id=job.pk) == "skipped"  # once
    job.refresh_from_db()
    assert job.state == BulkState.SUBMITTED
    workers = list(workers_with_outcome(job))
    assert [w.outcome for w in workers] == ["checking"] * 3 + ["refused"] * 3
    assert codes(workers[3]) == ["not_yet_renewable"]
    assert workers[3].problems[0]["field"] == "workers.3.personId"
    assert codes(workers[4]) == ["not_your_dependent"]
    assert codes(workers[5]) == ["duplicate_worker"]
    assert workers[4].problems[0]["message_ar"]
    application = job.application
    assert application.items.count() == 3 and application.state == "checking"

    run_all(application)
    counts = outcome_counts(job)
    assert counts["awaiting_payment"] == 3 and counts["refused"] == 3


def test_the_same_key_is_the_same_job_and_another_list_is_refused(company):
    sponsor, hr, people = company
    first = bulk_renewal_accept(
        actor=hr, sponsor_id=sponsor.pk, workers=asked(people), idempotency_key="batch-0001"
    )
    again = bulk_renewal_accept(
        actor=hr, sponsor_id=sponsor.pk, workers=asked(people), idempotency_key="batch-0001"
    )
    assert again.pk == first.pk and BulkRenewal.objects.count() == 1
    with pytest.raises(DomainError) as refused:
        bulk_renewal_accept(
            actor=hr,
            sponsor_id=sponsor.pk,
            workers=asked(people, months=6),
            idempotency_key="batch-0001",
        )
    assert refused.value.code == BulkErrorCode.IDEMPOTENCY_KEY_REUSED


def test_a_thousand_at_most_and_someone_at_least(company):
    sponsor, hr, people = company
    for workers, code in (
        ([], BulkErrorCode.NO_WORKERS),
        ([WorkerAsked(people[0].civil_id, 12)] * 1001, BulkErrorCode.TOO_MANY_WORKERS),
    ):
        with pytest.raises(DomainError) as refused:
            bulk_renewal_accept(
                actor=hr, sponsor_id=sponsor.pk, workers=workers, idempotency_key="batch-0002"
            )
        assert refused.value.code == code
    assert not BulkRenewal.objects.exists()


def test_another_company_and_a_delegate_without_renew_cannot(company):
    sponsor, _, people = company
    _, [rival] = factories.company("Rival Trading")
    clerk = factories.user()
    sponsor.staff.create(user=clerk, view_workers=True, pay=True)
    for actor in (rival, clerk):
        for call in (
            lambda a=actor: bulk_renewal_accept(
                actor=a, sponsor_id=sponsor.pk, workers=asked(people), idempotency_key="x-000001"
            ),
            lambda a=actor: bulk_renewal_dry_run(
                actor=a, sponsor_id=sponsor.pk, workers=asked(people)
            ),
        ):
            with pytest.raises(DomainError) as refused:
                call()
            assert refused.value.code == BulkErrorCode.NOT_FOUND
    assert not BulkRenewal.objects.exists()


def test_a_dry_run_answers_each_worker_and_writes_nothing(company):
    sponsor, hr, people = company
    with CaptureQueriesContext(connection) as queries:
        answers = bulk_renewal_dry_run(
            actor=hr, sponsor_id=sponsor.pk, workers=asked(people, "290010100018")
        )
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert [a.eligible for a in answers] == [True, True, True, False, False]
    assert [p.code for p in answers[3].problems] == ["not_yet_renewable"]
    assert answers[3].problems[0].field == "workers.3.personId"
    assert [p.code for p in answers[4].problems] == ["not_your_dependent"]
    fees = {line.kind: line.amount for line in answers[0].preview.lines}
    assert fees["residency_fee"] == Decimal("20.000")
