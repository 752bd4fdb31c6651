"""graphql-core's per-event memo of subscriptions, made per event.

graphql-core 3.3's ``Executor.build_per_event_executor`` (one executor per subscription event)
is a shallow copy of the subscription's executor, so every event shares its memo of collected
subfields. That memo is keyed by the identity of field lists rebuilt for each event and keeps
them alive: each event delivered added entries that lived as long as the subscription. Over a
long-lived websocket that is unbounded memory and ever longer full garbage collections, which
stopped daphne for hundreds of milliseconds at a time under a thousand subscribers
(``bench/fanout.py``). Each event gets memos of its own here; they go with the event.
"""

from __future__ import annotations

from typing import Any

from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class PerEventMemoExecutor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        return executor
