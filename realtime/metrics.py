"""The realtime figures a process keeps itself (``/metrics``, ``iqama/metrics.py``, shows
them): its open websockets, labelled with its pid, since each process has its own."""

from __future__ import annotations

import os

from prometheus_client import Gauge

WEBSOCKETS = Gauge(
    "iqama_websocket_connections",
    "Open GraphQL websockets of this process.",
    ["pid"],
    registry=None,
)
websocket_connections = WEBSOCKETS.labels(pid=str(os.getpid()))
