"""A paid application is issued: what its kind issues for each person, and the agencies told.

``application_issue`` moves PAID → ISSUED in one transaction with the kind's issuing
(``Kind.issue``: a renewal's permits run on) and the reports the agencies are owed (health
cover bought, fines paid, from the quote's lines) written to an outbox (``AgencyReport``).
Reports are delivered after commit by a task through the agency adapters, one attempt at a
time (a lease: ``core.leases``), and again by reconciliation until each agency has taken its
report: an agency outage never holds up the issuing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from core import leases
from core.agencies import registry
from core.agencies.base import AgencyUnavailable, Subject
from core.applications.kinds import ChargeKind, kind_of
from core.applications.machine import application_transition
from core.applications.models import AgencyName, Application
from core.applications.states import GONE_ITEM_STATES, State
from payments.models import AgencyReport, Payment, PaymentStatus, ReportStatus

logger = logging.getLogger(__name__)

LEASE = leases.LeaseColumns(until="claimed_until", attempts="attempts")
REPORT_LEASE = dt.timedelta(seconds=120)
REPORTED = {ChargeKind.HEALTH_INSURANCE: AgencyName.HEALTH, ChargeKind.FINES: AgencyName.FINES}


def issue_after_commit(application_id: int) -> None:
    """Issue once the capture commits; a failure leaves it paid, for reconciliation."""

    def issue() -> None:
        try:
            application_issue(application_id)
        except Exception:
            logger.exception("issuing application %s after its payment failed", application_id)

    transaction.on_commit(issue)


def application_issue(application_id: int) -> bool:
    """Issue a paid application (no-op otherwise). True when it was issued now."""
    with transaction.atomic():
        application = Application.objects.select_for_update(no_key=True).get(pk=application_id)
        if application.state != State.PAID:
            return False
        payment = (
            Payment.objects.filter(application=application, status=PaymentStatus.CAPTURED)
            .select_related("receipt", "quote")
            .first()
        )
        if payment is None:
            logger.error("application %s is paid but has no captured payment", application_id)
            return False
        kind = kind_of(application)
        today = timezone.localdate()
        lines = defaultdict(list)
        for line in payment.quote.lines.all():
            lines[line.item_id].append(line)
        reports = []
        items = application.items.exclude(state__in=GONE_ITEM_STATES).select_related(
            "permit__holder", "application__sponsor__person", "person"
        )
        for item in items:
            subject = kind.subject(item, today)  # the period paid for, before issuing moves it
            kind.issue(item, today)
            start, end = subject.period_start, subject.period_end
            for line in lines[item.pk]:
                agency = REPORTED.get(ChargeKind(line.kind))
                if agency is None:
                    continue
                reports.append(
                    AgencyReport(
                        payment=payment,
                        item=item,
                        agency=agency,
                        months=line.months if agency == AgencyName.HEALTH else None,
                        fine_references=line.detail.get("references", []),
                        period_start=start,
                        period_end=end,
                        reference=payment.receipt.number,
                    )
                )
        AgencyReport.objects.bulk_create(reports)
        application_transition(
            application,
            State.ISSUED,
            actor=None,
            reason=f"paid, receipt {payment.receipt.number}",
        )
        report_ids = [r.pk for r in AgencyReport.objects.filter(payment=payment)]
        transaction.on_commit(lambda: [enqueue_report(pk) for pk in report_ids])
    return True


@task()
def deliver_agency_report(report_id: int) -> str:
    return report_deliver(report_id)


def enqueue_report(report_id: int) -> None:
    try:
        deliver_agency_report.enqueue(report_id)
    except Exception:  # the outbox row stays pending: reconciliation delivers it
        logger.exception("could not queue agency report %s", report_id)


def _subject(report: AgencyReport) -> Subject:
    holder = report.item.person
    sponsor = report.item.application.sponsor
    return Subject(
        civil_id=holder.civil_id,
        name_en=holder.name_en,
        nationality=holder.nationality,
        date_of_birth=holder.date_of_birth,
        period_start=report.period_start,
        period_end=report.period_end,
        sponsor_civil_id=sponsor.person.civil_id if sponsor.person_id else None,
        employer_file_number=sponsor.manpower_file_number or None,
    )


def report_deliver(report_id: int) -> str:
    """Tell the agency, once at a time; the agency also gets our reference, so a report
    repeated after a lost answer is recognisable."""
    claimed = leases.claim(
        AgencyReport,
        report_id,
        columns=LEASE,
        lease=REPORT_LEASE,
        eligible=Q(status=ReportStatus.PENDING),
        related=("item__person", "item__application__sponsor__person"),
    )
    if claimed is None:
        return "skipped"
    report = claimed.row
    try:
        if report.agency == AgencyName.HEALTH:
            ack = registry.health_agency().report_cover(
                _subject(report), report.months or 0, report.reference
            )
        else:
            ack = registry.fines_agency().report_paid(
                _subject(report), tuple(report.fine_references), report.reference
            )
    except Exception as exc:
        if not isinstance(exc, AgencyUnavailable):
            logger.exception("agency report %s failed unexpectedly", report_id)
        leases.release(
            AgencyReport, claimed, columns=LEASE, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return "retrying"
    leases.release(
        AgencyReport,
        claimed,
        columns=LEASE,
        status=ReportStatus.DELIVERED,
        agency_reference=ack.reference[:60],
        delivered_at=timezone.now(),
        last_error="",
    )
    return "delivered"
