import datetime as dt

import pytest
from django.utils import timezone

from core.models import PermitChangeKind, PermitStatus, ResidencyPermit, permit_status_q
from core.services.permits import permit_cancel, permit_renew
from tests import factories

pytestmark = pytest.mark.django_db


def test_changes_are_recorded_in_order():
    family = factories.family()
    permit = family["permits"][0]
    new_expiry = permit.expires_on + dt.timedelta(days=365)
    permit_renew(actor=family["user"], permit=permit, expires_on=new_expiry)
    permit_cancel(actor=None, permit=permit, reason="left Kuwait")
    permit_cancel(actor=None, permit=permit, reason="twice")  # idempotent
    kinds = list(permit.history.values_list("kind", flat=True))
    assert kinds == [PermitChangeKind.ISSUED, PermitChangeKind.RENEWED, PermitChangeKind.CANCELLED]
    renewal = permit.history.get(kind=PermitChangeKind.RENEWED)
    assert renewal.expires_on_after == new_expiry
    assert renewal.actor == family["user"]


@pytest.mark.parametrize(
    ("days_left", "status"),
    [
        (200, PermitStatus.VALID),
        (30, PermitStatus.EXPIRING),
        (0, PermitStatus.EXPIRING),
        (-1, PermitStatus.EXPIRED),
    ],
)
def test_status_is_derived_from_dates_in_python_and_sql_alike(days_left, status):
    family = factories.family(children=0)
    permit = factories.permit(family["wife"], family["sponsor"], days_left=days_left)
    today = timezone.localdate()
    assert permit.status_on(today) == status
    assert ResidencyPermit.objects.filter(permit_status_q(status, today), pk=permit.pk).exists()
