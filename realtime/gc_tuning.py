"""Garbage-collector settings for a process that holds many websockets.

Each subscribed websocket keeps a few hundred container objects alive for as long as it is open
(Twisted and autobahn protocol state, the consumer, strawberry's operation, graphql-core's
executor); 500 of them make some 370,000 tracked objects. CPython's full collection walks all
of them: 300-500 ms during which the process delivers nothing. With the default thresholds
(700, 10, 10) the objects alive while events are being executed get promoted fast enough to
trigger a full collection every ten seconds or so under a steady event flow, and ``bench/
fanout.py`` saw p99 latency of 250-400 ms from those pauses alone.

So: collect once and freeze what start-up made (Django, the schema: never garbage, never walked
again), and raise the first threshold, so far fewer young collections promote far fewer
short-lived objects; full collections become rare (none in the bench's minute). The cost is at
most ~10,000 young objects waiting for collection. ``IQAMA_GC_THRESHOLDS`` (e.g. ``700,10,10``)
overrides the thresholds.
"""

from __future__ import annotations

import gc
import os

THRESHOLDS = (10_000, 10, 10)
_done = False


def tune_for_long_lived_connections() -> None:
    """Once per process: freeze the start-up heap and set the thresholds."""
    global _done
    if _done:
        return
    _done = True
    raw = os.environ.get("IQAMA_GC_THRESHOLDS", "").strip()
    thresholds = tuple(int(part) for part in raw.split(",")) if raw else THRESHOLDS
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
