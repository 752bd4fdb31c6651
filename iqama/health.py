"""``/healthz``: is the database answering, is the channel layer delivering."""

from __future__ import annotations

import asyncio
import time
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse


def _database() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": _ms(started)}


async def _channel_layer() -> dict:
    layer = get_channel_layer()
    started = time.perf_counter()
    channel = await layer.new_channel("healthz.")
    marker = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "marker": marker})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return {
        "ok": message.get("marker") == marker,
        "backend": type(layer).__name__,
        "ms": _ms(started),
    }


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


async def healthz(request) -> JsonResponse:
    checks = {}
    for name, probe in (("database", sync_to_async(_database)), ("channel_layer", _channel_layer)):
        try:
            checks[name] = await probe()
        except Exception as exc:  # a probe's failure is the answer, not a 500
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
