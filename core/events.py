"""Domain events, announced only after the surrounding transaction commits.

Services call :func:`announce_after_commit`; ``realtime`` connects to the signals and fans the
events out over the channel layer. The domain never imports the realtime layer.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

# kwargs: permit_id, kind, change_id
permit_changed = Signal()


def announce_after_commit(signal: Signal, **payload: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **payload), robust=True)


# kwargs: application_id, sponsor_id, kind ("transition" | "check"), event_id
application_changed = Signal()
