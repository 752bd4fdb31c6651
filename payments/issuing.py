"""A paid application is issued: each permit's new expiry set, and the agencies told.

``application_issue`` moves PAID → ISSUED in one transaction with the permits' renewals
(``permit_renew``, to the end of ``eligibility.renewal_period``) and the reports the agencies
are owed (health cover bought, fines paid) written to an outbox (``AgencyReport``). Reports are
delivered after commit by a task through the agency adapters, and again by reconciliation
until each agency has taken its report: an agency outage never holds up the permits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.agencies.base import AgencyUnavailable, Subject
from core.renewals import eligibility
from core.renewals.models import RenewalApplication, RenewalItem
from core.renewals.services import application_transition
from core.renewals.states import State
from core.services.permits import permit_renew
from payments.models import AgencyReport, Payment, PaymentStatus, ReportStatus

logger = logging.getLogger(__name__)


def application_issue(application_id: int) -> bool:
    """Issue a paid application (no-op otherwise). True when it was issued now."""
    with transaction.atomic():
        application = RenewalApplication.objects.select_for_update().get(pk=application_id)
        if application.state != State.PAID:
            return False
        payment = (
            Payment.objects.filter(application=application, status=PaymentStatus.CAPTURED)
            .select_related("receipt")
            .first()
        )
        if payment is None:
            logger.error("application %s is paid but has no captured payment", application_id)
            return False
        today = timezone.localdate()
        lines = defaultdict(list)
        for line in payment.quote.lines.all():
            lines[line.item_id].append(line)
        items = application.items.exclude(state__in=[State.REJECTED, State.CANCELLED])
        reports = []
        for item in items.select_related("permit"):
            start, end = eligibility.renewal_period(item.permit, item.months or 0, today)
            permit_renew(actor=None, permit=item.permit, expires_on=end)
            for line in lines[item.pk]:
                common = {
                    "payment": payment,
                    "item": item,
                    "period_start": start,
                    "period_end": end,
                    "reference": payment.receipt.number,
                }
                if line.kind == "health_insurance":
                    reports.append(AgencyReport(agency="health", months=line.months, **common))
                elif line.kind == "fines":
                    references = line.detail.get("references", [])
                    reports.append(
                        AgencyReport(agency="fines", fine_references=references, **common)
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
    item: RenewalItem = report.item
    holder = item.person
    sponsor = item.application.sponsor
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


REPORT_LEASE = dt.timedelta(seconds=120)


def report_deliver(report_id: int) -> str:
    """Tell the agency, once at a time: a short transaction claims the report (a lease), the
    agency is asked outside any transaction, another records the answer. A worker that dies
    mid-call leaves a lease that runs out; the agency also gets our reference, so a report
    repeated after a lost answer is recognisable."""
    from core.agencies import registry

    now = timezone.now()
    with transaction.atomic():
        report = (
            AgencyReport.objects.select_for_update(of=("self",))
            .select_related("item__person", "item__application__sponsor__person")
            .filter(pk=report_id, status=ReportStatus.PENDING)
            .first()
        )
        if report is None:
            return "skipped"
        if report.claimed_until and report.claimed_until > now:
            return "busy"
        report.attempts += 1
        report.claimed_until = now + REPORT_LEASE
        report.save(update_fields=["attempts", "claimed_until"])
        attempt = report.attempts
    try:
        if report.agency == "health":
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
        with transaction.atomic():
            report = AgencyReport.objects.select_for_update().get(pk=report_id)
            if report.attempts == attempt:
                report.last_error = f"{type(exc).__name__}: {exc}"[:300]
                report.claimed_until = None
                report.save(update_fields=["last_error", "claimed_until"])
        return "retrying"
    with transaction.atomic():
        report = AgencyReport.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.PENDING:
            report.status = ReportStatus.DELIVERED
            report.agency_reference = ack.reference[:60]
            report.delivered_at = timezone.now()
            report.last_error = ""
            report.claimed_until = None
            report.save()
    return "delivered"
