"""Probes for load balancers and orchestrators: ``/healthz`` (liveness) and ``/readyz``
(readiness, per dependency).

``/healthz`` answers 200 whenever the process serves requests at all, and asks nothing of the
database or Redis: restarting a web process cures neither. ``/readyz`` asks each dependency and
reports each, with its latency: 503 when the database does not answer (this process can serve
nothing), 200 with ``"degraded": true`` when only the channel layer (Redis) does not — every web
process shares it, so taking them all out of the load balancer would stop HTTP, which still
works, and subscriptions wait for Redis and resume by themselves (``realtime.layers``).
"""

from __future__ import annotations

import asyncio
import time
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

# How long /readyz waits for the channel layer to carry a message.
CHANNEL_LAYER_PROBE_SECONDS = 2.0


def _database() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": _ms(started)}


async def _channel_layer() -> dict:
    layer = get_channel_layer()
    started = time.perf_counter()
    channel = await layer.new_channel("readyz.")
    marker = uuid.uuid4().hex
    try:
        await layer.send(channel, {"type": "readyz", "marker": marker})
        message = await asyncio.wait_for(
            layer.receive(channel), timeout=CHANNEL_LAYER_PROBE_SECONDS
        )
    finally:
        if forget := getattr(layer, "forget", None):
            forget(channel)
    return {
        "ok": message.get("marker") == marker,
        "backend": type(layer).__name__,
        "ms": _ms(started),
    }


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving."""
    return JsonResponse({"ok": True})


async def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, per dependency; a probe's failure is part of the answer, never a 500."""
    checks = {}
    for name, probe in (("database", sync_to_async(_database)), ("channel_layer", _channel_layer)):
        try:
            checks[name] = await probe()
        except Exception as exc:
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    ready = checks["database"]["ok"]
    body = {"ok": ready, "degraded": ready and not checks["channel_layer"]["ok"], **checks}
    return JsonResponse(body, status=200 if ready else 503)
