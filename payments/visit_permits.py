"""A visit permit's PDF and its public check: what the permit prints (``VisitPermitData``), short-
lived signed download links (handed out by the GraphQL field to who may see the permit), the
download view and the page its QR code opens.

The public check shows enough to match a printed permit — its number, whether it is valid,
its dates, the visitor's nationality and the last characters of the passport — and nothing
that names anyone.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from core.applications.kinds import reference
from core.verification import normalize_verification_code
from core.visits.models import VisitPermit
from payments.receipts.data import format_kuwait_time
from payments.receipts.fonts import receipts_settings
from payments.receipts.views import receipt_download_response, verification_page
from payments.receipts.visit_permit import VisitPermitData, render_visit_permit_pdf

SALT = "iqama.visit_permits.download"
DOWNLOAD_URL_NAME = "visit-permit-download"
VERIFY_URL_NAME = "visit-permit-verify"
RELATED = ("visitor", "host__person", "item__application")


def visit_permit_data(permit: VisitPermit) -> VisitPermitData:
    host = permit.host.person
    return VisitPermitData(
        number=permit.number,
        issued_at=permit.issued_at,
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        application_reference=reference(permit.item.application),
        visitor_name_en=permit.visitor.name_en,
        visitor_name_ar=permit.visitor.name_ar,
        passport_number=permit.visitor.passport_number,
        nationality=permit.visitor.nationality,
        date_of_birth=permit.visitor.date_of_birth,
        relation=permit.relation,
        host_name_en=host.name_en,
        host_name_ar=host.name_ar,
        host_civil_id=host.civil_id,
        verification_code=permit.verification_code,
    )


class PermitStatus(enum.StrEnum):
    VALID = "valid"
    NOT_YET = "not_yet_valid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


def status_of(permit: VisitPermit, today: dt.date | None = None) -> PermitStatus:
    today = today or timezone.localdate()
    if permit.cancelled_at is not None:
        return PermitStatus.CANCELLED
    if today < permit.valid_from:
        return PermitStatus.NOT_YET
    return PermitStatus.VALID if today <= permit.valid_until else PermitStatus.EXPIRED


@dataclass(frozen=True)
class VisitPermitCheck:
    """What anyone holding the code may learn."""

    number: str
    status: PermitStatus
    valid_from: dt.date
    valid_until: dt.date
    issued_at: dt.datetime
    nationality: str
    passport_ends_with: str


def public_check(permit: VisitPermit) -> VisitPermitCheck:
    return VisitPermitCheck(
        number=permit.number,
        status=status_of(permit),
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        issued_at=permit.issued_at,
        nationality=permit.visitor.nationality,
        passport_ends_with=permit.visitor.passport_number[-3:],
    )


def permit_by_code(raw: str | None) -> VisitPermit | None:
    code = normalize_verification_code(raw)
    if code is None:
        return None
    return VisitPermit.objects.select_related(*RELATED).filter(verification_code=code).first()


# -- signed links and views -------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def download_path(permit_id: int) -> str:
    """The signed download path of a permit; hand it out only to those who may see it."""
    return reverse(DOWNLOAD_URL_NAME, kwargs={"token": _signer().sign(str(permit_id))})


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    max_age = int(receipts_settings().get("LINK_SECONDS", 300))
    try:
        key = _signer().unsign(token, max_age=max_age)
    except signing.BadSignature:
        raise Http404("No such visit permit.") from None
    permit = VisitPermit.objects.select_related(*RELATED).filter(pk=key).first()
    if permit is None:
        raise Http404("No such visit permit.")
    return receipt_download_response(
        render_visit_permit_pdf(visit_permit_data(permit)), permit.number, prefix="visit-permit"
    )


STATUS_WORDS = {
    PermitStatus.VALID: ("Valid visit permit", "إذن زيارة ساري"),
    PermitStatus.NOT_YET: ("Not yet valid", "لم يبدأ بعد"),
    PermitStatus.EXPIRED: ("Expired visit permit", "إذن زيارة منتهٍ"),
    PermitStatus.CANCELLED: ("Cancelled visit permit", "إذن زيارة ملغى"),
}


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    permit = permit_by_code(code)
    title = "Visit permit verification · التحقق من إذن الزيارة"
    if permit is None:
        body = format_html(
            '<h1 class="bad">Visit permit not found</h1>'
            '<h1 class="bad" dir="rtl" lang="ar">لم يتم العثور على إذن الزيارة</h1>'
        )
        return verification_page(title, body, 404)
    check = public_check(permit)
    en, ar = STATUS_WORDS[check.status]
    css = "ok" if check.status == PermitStatus.VALID else "bad"
    rows = [
        ("Permit No.", check.number, "رقم الإذن"),
        ("Valid from", check.valid_from.isoformat(), "يبدأ في"),
        ("Valid until", check.valid_until.isoformat(), "ينتهي في"),
        ("Issued", format_kuwait_time(check.issued_at), "تاريخ الإصدار"),
        ("Nationality", check.nationality, "الجنسية"),
        ("Passport ends with", check.passport_ends_with, "آخر أرقام الجواز"),
    ]
    body = format_html(
        '<h1 class="{}">{}</h1><h1 class="{}" dir="rtl" lang="ar">{}</h1><table>{}</table>',
        css,
        en,
        css,
        ar,
        format_html_join(
            "",
            '<tr><th>{}</th><td dir="auto">{}</td><td class="ar" dir="rtl" lang="ar">{}</td></tr>',
            rows,
        ),
    )
    return verification_page(title, body, 200)


def visit_permit_urls() -> list[URLPattern]:
    """Mounted at ``visit-permits/``: ``verify/<code>`` (``RECEIPTS["VISIT_PERMIT_VERIFY_URL"]``
    must point at it) and ``<token>`` downloads."""
    return [
        path("verify/<str:code>", verify, name=VERIFY_URL_NAME),
        path("<str:token>", download, name=DOWNLOAD_URL_NAME),
    ]
