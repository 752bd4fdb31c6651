"""Routes of the HTTP agency simulator: ``<agency>/<operation>``, one base URL per agency."""

from __future__ import annotations

from django.urls import path

from core.agencies import sim_views
from core.agencies.wire import OPERATIONS, QUESTIONS, REPORTS

app_name = "agency_simulator"

urlpatterns = [
    path(f"health/{OPERATIONS['health']}", sim_views.insurance, name="health"),
    path(f"fines/{OPERATIONS['fines']}", sim_views.fines, name="fines"),
    path(f"courts/{OPERATIONS['courts']}", sim_views.records, name="courts"),
    path(f"manpower/{OPERATIONS['manpower']}", sim_views.work_permit, name="manpower"),
    path(f"health/{REPORTS['health']}", sim_views.cover, name="health-report"),
    path(f"fines/{REPORTS['fines']}", sim_views.paid_fines, name="fines-report"),
    path(
        f"manpower/{QUESTIONS['establishment'][1]}",
        sim_views.establishment,
        name="manpower-establishment",
    ),
]
