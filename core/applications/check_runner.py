"""A worker's agency checks: claimed in batches, asked concurrently, recorded together.

Three parts, each on its own threads: the claimer takes as many due checks as the worker has
free slots (``checks.claim_due``, one transaction), the askers (a pool of ``capacity`` threads,
no database) ask the agencies, and the recorder writes the answers that have come in by the
time it gets to them (``checks.record_answers``, one transaction). Under load the batches grow
by themselves; idle, the claimer polls every ``interval`` seconds. A slot is freed only once a
check's answer is recorded, so what a worker holds is what it is working on.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connection

from core.applications import checks

logger = logging.getLogger(__name__)

# At most this many answers are recorded in one transaction.
MOST_PER_RECORD = 64
# After a failed claim (the database went away, say): wait this long before polling again.
RETRY_AFTER_FAILURE_SECONDS = 1.0


class CheckRunner:
    def __init__(
        self,
        *,
        capacity: int,
        interval: float,
        prepare_thread: Callable[[], None] = lambda: None,
    ) -> None:
        """``prepare_thread``: called on the claimer's and the recorder's threads before each
        transaction (the worker points their events at its event loop, which an in-process
        worker learns only at the server's first request)."""
        self.capacity = max(1, capacity)
        self.interval = interval
        self.prepare_thread = prepare_thread
        self._free = self.capacity
        self._slots = threading.Condition()
        self._answers: queue.Queue[checks.Answer] = queue.Queue()
        self._stopping = threading.Event()
        self._askers = ThreadPoolExecutor(self.capacity, thread_name_prefix="agency-ask")
        self._threads = [
            threading.Thread(target=self._claim_forever, name="check-claimer", daemon=True),
            threading.Thread(target=self._record_forever, name="check-recorder", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Claim nothing more; the checks in flight are still asked and recorded."""
        self._stopping.set()
        with self._slots:
            self._slots.notify_all()

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)
        self._askers.shutdown(wait=False)

    @property
    def in_flight(self) -> int:
        with self._slots:
            return self.capacity - self._free

    # -- claiming ---------------------------------------------------------------------------

    def _claim_forever(self) -> None:
        while not self._stopping.is_set():
            with self._slots:
                while self._free == 0 and not self._stopping.is_set():
                    self._slots.wait()
                wanted = self._free
            if self._stopping.is_set():
                break
            try:
                self.prepare_thread()
                claimed = checks.claim_due(wanted)
            except Exception:  # the loop must outlive a passing database error
                logger.exception("claiming agency checks failed")
                _reset_connection()
                self._stopping.wait(RETRY_AFTER_FAILURE_SECONDS)
                continue
            if claimed:
                with self._slots:
                    self._free -= len(claimed)
                for one in claimed:
                    self._askers.submit(self._ask, one)
            if len(claimed) < wanted:  # none left due: look again later
                self._stopping.wait(self.interval)
        connection.close()

    def _ask(self, claimed: checks.Claimed) -> None:
        try:
            self._answers.put(checks.ask(claimed))
        finally:
            if connection.connection is not None:  # a kind's subject read something after all
                connection.close()

    # -- recording --------------------------------------------------------------------------

    def _record_forever(self) -> None:
        while True:
            try:
                answers = [self._answers.get(timeout=self.interval)]
            except queue.Empty:
                if self._stopping.is_set() and self.in_flight == 0:
                    break
                continue
            while len(answers) < MOST_PER_RECORD:
                try:
                    answers.append(self._answers.get_nowait())
                except queue.Empty:
                    break
            self.prepare_thread()
            self._record(answers)
            with self._slots:
                self._free += len(answers)
                self._slots.notify_all()
        connection.close()

    def _record(self, answers: list[checks.Answer]) -> None:
        """All at once; if that fails, one by one, so one bad answer does not hold up the
        others. A check whose answer could not be recorded keeps its lease until it runs out,
        and the sweeper hands it back."""
        try:
            checks.record_answers(answers)
            return
        except Exception:
            if len(answers) == 1:
                logger.exception("recording agency check %s failed", answers[0].claimed.check.pk)
                _reset_connection()
                return
            logger.exception("recording %d agency checks at once failed: one by one", len(answers))
            _reset_connection()
        for answer in answers:
            try:
                checks.record_answers([answer])
            except Exception:
                logger.exception("recording agency check %s failed", answer.claimed.check.pk)
                _reset_connection()


def _reset_connection() -> None:
    """After a database error: drop this thread's connection if it is no longer usable."""
    connection.close_if_unusable_or_obsolete()
    close_old_connections()
