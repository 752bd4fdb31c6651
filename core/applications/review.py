"""An officer's decision on a check the rules sent to review (court findings, a work permit
ending early): clear it, or block the person. The decision is part of the history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core import access
from core.applications.errors import ApplicationErrorCode
from core.applications.history import announce_check
from core.applications.models import AgencyCheck, Application, CheckStatus
from core.applications.progress import application_progress
from core.applications.states import State
from core.errors import DomainError
from core.events import ApplicationEventKind
from core.names import free_text


@transaction.atomic
def check_review_decide(*, actor: Any, check_id: int | None, clear: bool, note: str) -> Application:
    """Back office only; answers the application, as it stands after the decision."""
    if not access.is_back_office(actor):
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "checkId")
    found = AgencyCheck.objects.filter(pk=check_id).values_list("item__application_id").first()
    if found is None:
        raise DomainError(ApplicationErrorCode.NOT_FOUND, "checkId")
    note = free_text(note, 200)
    if note is None:
        raise DomainError(ApplicationErrorCode.INVALID_TEXT, "note")
    # The application's row first, then the check's: every writer locks in this order.
    application = Application.objects.select_for_update(no_key=True).get(pk=found[0])
    check = AgencyCheck.objects.select_for_update().select_related("item").get(pk=check_id)
    check.item.application = application
    if check.status != CheckStatus.REVIEW or application.state != State.CHECKING:
        raise DomainError(ApplicationErrorCode.WRONG_STATE, None, {"state": check.status})
    check.status = CheckStatus.CLEAR if clear else CheckStatus.BLOCKED
    check.detail_en = f"{check.detail_en} Officer: {note}".strip()[:500]
    check.detail_ar = f"{check.detail_ar} قرار الموظف: {note}".strip()[:500]
    check.save(update_fields=["status", "detail_en", "detail_ar", "updated_at"])
    announce_check(check, actor=actor, kind=ApplicationEventKind.REVIEW)
    return application_progress(application.pk)
