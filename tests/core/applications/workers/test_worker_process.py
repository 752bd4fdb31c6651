"""Real ``manage.py application_worker`` processes on the test database (PostgreSQL): a worker
killed with SIGKILL in the middle of a check loses nothing, and an agency outage leaves the
application checking until the agency answers again."""

from __future__ import annotations

import time

from core.applications.models import AgencyCheck, Application, CheckStatus
from core.applications.states import State
from tests.core.applications.workers.conftest import wait_for
from tests.support.applications import give_profile, submit

CLEAN = lambda p: p.fully_insured and not p.fines and not p.court_records  # noqa: E731


def checks_of(app: Application) -> list[AgencyCheck]:
    return list(AgencyCheck.objects.filter(item__application=app).order_by("pk"))


def state_of(app: Application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=app.pk)


def describe(app: Application) -> str:
    checks = ", ".join(f"{c.agency}={c.status}/{c.attempts}" for c in checks_of(app))
    return f"application {state_of(app)}; checks {checks}"


def test_a_worker_killed_mid_check_loses_nothing(household, application_worker):
    h = household
    give_profile(h["wife"], CLEAN)
    started = time.monotonic()
    slow = application_worker(AGENCY_SIMULATOR_LATENCY_MS="3000,3000")  # every answer takes 3 s
    app = submit(h, h["wife"])  # on commit, its three checks are queued
    assert len(checks_of(app)) == 3

    def a_running_check() -> AgencyCheck | None:
        return AgencyCheck.objects.filter(item__application=app, status=CheckStatus.RUNNING).first()

    running = wait_for(a_running_check, timeout=20, what="the slow worker to claim a check")
    time.sleep(0.5)  # the worker takes its other checks too: several are in flight at once
    slow.kill()  # SIGKILL while the agency has not answered yet
    claimed_at = time.monotonic()
    in_flight = AgencyCheck.objects.filter(item__application=app, status=CheckStatus.RUNNING)
    killed = in_flight.count()
    assert killed == 3, describe(app)
    running.refresh_from_db()
    assert (running.status, running.attempts) == (CheckStatus.RUNNING, 1), describe(app)
    assert state_of(app) == State.CHECKING

    fast = application_worker()  # no latency; its sweeper takes over once the 2 s lease runs out
    wait_for(
        lambda: state_of(app) == State.AWAITING_PAYMENT,
        timeout=20,
        what=f"the application to await payment ({describe(app)})",
    )
    finished_at = time.monotonic()

    checks = checks_of(app)
    assert len(checks) == 3  # no check lost, none doubled
    assert all(c.status == CheckStatus.CLEAR for c in checks), describe(app)
    taken_over = next(c for c in checks if c.pk == running.pk)
    assert taken_over.attempts >= 2
    assert taken_over.lease_until is None
    assert f"requeued {killed} stalled agency checks" in fast.log()
    # the history shows the killed attempt and the one that took over
    attempts = [
        e.detail["attempts"]
        for e in app.history.filter(kind="check")
        if e.detail["check_id"] == running.pk and e.detail["status"] == CheckStatus.RUNNING
    ]
    assert attempts[:2] == [1, 2]
    print(
        f"\nkilled after {claimed_at - started:.1f} s; awaiting payment "
        f"{finished_at - claimed_at:.1f} s after the kill"
    )


def test_an_outage_keeps_the_application_checking_until_the_agency_answers(
    household, application_worker
):
    h = household
    give_profile(h["wife"], CLEAN)
    started = time.monotonic()
    down = application_worker(AGENCY_SIMULATOR_OUTAGE="health", CHECK_RETRY_DELAYS="1")
    app = submit(h, h["wife"])

    def health() -> AgencyCheck:
        return AgencyCheck.objects.get(item__application=app, agency="health")

    # the health check fails, waits 1 s, fails again...: retrying, never failed
    wait_for(
        lambda: health().status == CheckStatus.RETRYING and health().attempts >= 2,
        timeout=20,
        what=f"the health check to be retried ({describe(app)})",
    )
    others = [c for c in checks_of(app) if c.agency != "health"]
    assert [c.status for c in others] == [CheckStatus.CLEAR, CheckStatus.CLEAR]
    assert state_of(app) == State.CHECKING
    assert "simulated outage" in health().last_error

    assert down.stop() == 0  # SIGTERM: a clean exit
    failed_attempts = health().attempts
    assert health().status == CheckStatus.RETRYING
    assert state_of(app) == State.CHECKING
    stopped_at = time.monotonic()

    application_worker(CHECK_RETRY_DELAYS="1")  # the agency is back
    wait_for(
        lambda: state_of(app) == State.AWAITING_PAYMENT,
        timeout=20,
        what=f"the application to await payment ({describe(app)})",
    )
    check = health()
    assert check.status == CheckStatus.CLEAR
    assert check.attempts == failed_attempts + 1
    assert check.last_error == ""
    print(
        f"\n{failed_attempts} failed attempts in {stopped_at - started:.1f} s; awaiting payment "
        f"{time.monotonic() - stopped_at:.1f} s after the agency came back"
    )
