"""``/metrics``: Prometheus text, for operators.

What the service is doing is read from the database at each scrape (applications by state,
agency checks by agency and status, the checks due and the oldest of them, agency latency, the
task queue's depth and its oldest ready task, payments by status), so every process answers the
same, whichever the load balancer picks and however many processes and machines there are: no
per-process counters to add up, no multiprocess directory to share. The one figure that lives
in a process, its open websockets, is that process's own (labelled with its pid): scrape each
web process for it.

Not public: it answers only a request carrying ``Authorization: Bearer $METRICS_TOKEN``, and is
404 when no token is configured (docs/operations.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from core.applications.checks import WAITING
from core.applications.models import FINISHED_CHECKS, AgencyCheck, Application
from payments.models import Payment
from realtime.metrics import WEBSOCKETS

# Upper bounds of the agency latency histogram, in seconds.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

registry = CollectorRegistry()
registry.register(WEBSOCKETS)


class DatabaseCollector(Collector):
    def collect(self) -> Iterator:
        applications = GaugeMetricFamily(
            "iqama_applications", "Applications by state.", labels=["state"]
        )
        for row in Application.objects.values("state").annotate(n=Count("id")).order_by():
            applications.add_metric([row["state"]], row["n"])
        yield applications

        checks = GaugeMetricFamily(
            "iqama_agency_checks",
            "Agency checks by agency and status.",
            labels=["agency", "status"],
        )
        for row in (
            AgencyCheck.objects.values("agency", "status").annotate(n=Count("id")).order_by()
        ):
            checks.add_metric([row["agency"], row["status"]], row["n"])
        yield checks
        yield self._latency()

        due = AgencyCheck.objects.filter(
            status__in=WAITING, next_attempt_at__lte=timezone.now()
        ).aggregate(n=Count("id"), oldest=Min("next_attempt_at"))
        yield GaugeMetricFamily(
            "iqama_agency_checks_due",
            "Agency checks waiting to be claimed by a worker (pending or retrying, due).",
            value=due["n"],
        )
        waited = (timezone.now() - due["oldest"]).total_seconds() if due["oldest"] else 0
        yield GaugeMetricFamily(
            "iqama_agency_check_oldest_due_seconds",
            "How long the check due longest has waited for a worker.",
            value=max(0.0, waited),
        )

        ready = DBTaskResult.objects.ready()
        queue = ready.aggregate(n=Count("id"), oldest=Min("enqueued_at"))
        yield GaugeMetricFamily(
            "iqama_task_queue_depth", "Tasks ready to run, not yet taken.", value=queue["n"]
        )
        oldest = (timezone.now() - queue["oldest"]).total_seconds() if queue["oldest"] else 0
        yield GaugeMetricFamily(
            "iqama_task_oldest_ready_seconds",
            "How long the oldest ready task has waited since it was queued.",
            value=max(0.0, oldest),
        )
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        yield GaugeMetricFamily("iqama_tasks_running", "Tasks taken by a worker.", value=running)

        payments = GaugeMetricFamily("iqama_payments", "Payments by status.", labels=["status"])
        for row in Payment.objects.values("status").annotate(n=Count("id")).order_by():
            payments.add_metric([row["status"]], row["n"])
        yield payments

    def _latency(self) -> HistogramMetricFamily:
        """How long agencies took to answer, by agency and outcome (the check's status after
        the answer; ``retrying`` when the agency was unavailable), over every check asked."""
        family = HistogramMetricFamily(
            "iqama_agency_check_seconds",
            "Agency answer time of each check's last attempt, by agency and outcome.",
            labels=["agency", "outcome"],
        )
        buckets = {
            f"le_{i}": Count("id", filter=Q(asked_ms__lte=bound * 1000))
            for i, bound in enumerate(LATENCY_BUCKETS)
        }
        rows = (
            AgencyCheck.objects.filter(
                asked_ms__isnull=False, status__in=[*FINISHED_CHECKS, "retrying"]
            )
            .values("agency", "status")
            .annotate(n=Count("id"), total=Sum("asked_ms"), **buckets)
            .order_by()
        )
        for row in rows:
            cumulative = [(str(bound), row[f"le_{i}"]) for i, bound in enumerate(LATENCY_BUCKETS)]
            family.add_metric(
                [row["agency"], row["status"]],
                [*cumulative, ("+Inf", row["n"])],
                sum_value=(row["total"] or 0) / 1000,
            )
        return family


registry.register(DatabaseCollector())


def metrics(request: HttpRequest) -> HttpResponse:
    """The figures, to a scraper with the token; 404 to anyone else."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not secrets.compare_digest(offered.encode(), token.encode()):
        raise Http404
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
