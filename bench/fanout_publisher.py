"""The fan-out benchmark's publisher: it moves every application through its life with the real
services, one committed transaction per change, as the web processes and the agency-check
workers do, and times each ``group_send`` of ``realtime.broadcast``.

Imported once Django is set up (the models, the services).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from bench.fanout_seed import Watched
from core.applications.checks import announce_check
from core.applications.models import AgencyCheck, Application, ApplicationEvent, CheckStatus
from core.applications.services import (
    application_cancel,
    application_submit,
    application_transition,
)
from core.applications.states import State
from core.models import Sponsor
from realtime import broadcast

AMOUNT_DUE = Decimal("25.000")


class Publisher:
    """Moves the applications through their life with the services, one commit per change,
    at most ``rate`` events a second; times each ``group_send`` of ``realtime.broadcast``."""

    def __init__(self, watched: list[Watched], rate: float) -> None:
        self.watched = watched
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.sends: list[float] = []  # seconds per group_send
        self.events = 0
        self._next = time.perf_counter()

    def _pace(self, events: int) -> None:
        self.events += events
        if not self.interval:
            return
        self._next += self.interval * events
        delay = self._next - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    @contextlib.contextmanager
    def timing_group_sends(self) -> Iterator[None]:
        original = broadcast.send_to_groups

        def timed(groups: list[str], message: dict[str, Any]) -> None:
            started = time.perf_counter()
            try:
                original(groups, message)
            finally:
                self.sends.append(time.perf_counter() - started)

        broadcast.send_to_groups = timed
        try:
            yield
        finally:
            broadcast.send_to_groups = original

    def run(self, midway: Callable[[], None] | None = None) -> dict[str, float]:
        """Every phase over every application (in a shuffled order); seconds per phase.
        ``midway`` is called half-way through the check results (the kill of a daphne)."""
        order = list(self.watched)
        random.Random(7).shuffle(order)
        actors = self._actors()
        phases: dict[str, float] = {}

        def phase(name: str, step: Any, events: int) -> None:
            started = time.perf_counter()
            for w in order:
                step(w)
                self._pace(events)
            phases[name] = time.perf_counter() - started
            print(f"  {name}: {len(order)} applications in {phases[name]:.1f}s", flush=True)

        def submit(w: Watched) -> None:
            application_submit(actor=actors[w.sponsor_id], application_id=w.pk)

        checks = defaultdict(list)
        check_rounds = 0

        def check_result(round_index: int) -> Any:
            def step(w: Watched) -> None:
                with transaction.atomic():
                    check = (
                        AgencyCheck.objects.select_for_update(of=("self",))
                        .select_related("item__application")
                        .get(pk=checks[w.pk][round_index])
                    )
                    check.status = CheckStatus.CLEAR
                    check.attempts += 1
                    check.detail_en = "No record found."
                    check.save(update_fields=["status", "attempts", "detail_en", "updated_at"])
                    announce_check(check)

            return step

        def awaiting_payment(w: Watched) -> None:
            with transaction.atomic():
                application = Application.objects.select_for_update().get(pk=w.pk)
                application.amount_due = AMOUNT_DUE
                application.save(update_fields=["amount_due"])
                application_transition(application, State.AWAITING_PAYMENT, actor=None)

        def cancel(w: Watched) -> None:
            application_cancel(actor=actors[w.sponsor_id], application_id=w.pk)

        with self.timing_group_sends():
            phase("submit (SUBMITTED + CHECKING)", submit, 2)
            for app_id, check_id in AgencyCheck.objects.filter(
                item__application_id__in=[w.pk for w in order]
            ).values_list("item__application_id", "pk"):
                checks[app_id].append(check_id)
            check_rounds = min(len(v) for v in checks.values())
            for r in range(check_rounds):
                if midway is not None and r == check_rounds // 2:
                    midway()
                phase(f"check result {r + 1}", check_result(r), 1)
            phase("awaiting payment", awaiting_payment, 1)
            phase("cancel", cancel, 1)
        return phases

    def _actors(self) -> dict[int, Any]:
        sponsors = Sponsor.objects.select_related("person__user").filter(
            pk__in=[w.sponsor_id for w in self.watched]
        )
        return {s.pk: s.person.user for s in sponsors}


def published_events(watched: list[Watched], after_id: int) -> dict[str, list[tuple]]:
    """The events the services wrote during the run, per application global ID, as the
    subscription shows them: (at, kind, toState)."""
    by_pk = {w.pk: w.gid for w in watched}
    out: dict[str, list[tuple]] = defaultdict(list)
    rows = ApplicationEvent.objects.filter(pk__gt=after_id, application_id__in=by_pk).values_list(
        "application_id", "at", "kind", "to_state"
    )
    for app_id, at, kind, to_state in rows:
        out[by_pk[app_id]].append((at, kind.upper(), to_state.upper() if to_state else None))
    return out


def latest_event_id() -> int:
    """The id of the newest application event: what the run publishes comes after it."""
    return ApplicationEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
