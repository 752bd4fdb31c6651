"""The leaky bucket of query cost each API token draws from (Shopify's model).

A bucket holds up to ``API_TOKENS["BUCKET_CAPACITY"]`` points and fills again at
``BUCKET_RESTORE_RATE`` points a second. A request takes its requested cost (``schema.limits``)
before it runs — refused, with nothing run, when the bucket holds less — and gives back what it
did not use once its actual cost is known. With ``REDIS_URL`` the bucket is a Redis hash updated
by one Lua script (atomic, on Redis's clock), so every process draws from the same bucket;
otherwise, or while Redis does not answer, it is kept in the process.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# KEYS[1] the bucket; ARGV capacity, restore rate (points/s), cost (negative: give back), ttl ms.
LEAK = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(state[1])
local at = tonumber(state[2])
if available == nil or at == nil then
  available = capacity
  at = now
end
available = math.min(capacity, available + math.max(0, now - at) * rate)
local allowed = 1
if cost > 0 and cost > available then
  allowed = 0
else
  available = math.min(capacity, available - cost)
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, tostring(available)}
"""


@dataclass(frozen=True)
class Level:
    """The bucket after a take (or a refused one): what a client sees as ``throttleStatus``."""

    allowed: bool
    available: float
    capacity: float
    restore_rate: float

    def retry_after(self, cost: float) -> int:
        """Seconds until the bucket holds ``cost``."""
        missing = max(0.0, cost - self.available)
        return max(1, math.ceil(missing / self.restore_rate)) if self.restore_rate > 0 else 60

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": _number(self.capacity),
            "currentlyAvailable": _number(round(self.available, 1)),
            "restoreRate": _number(self.restore_rate),
        }


def _number(value: float) -> float:
    """A whole number as an integer (``25000``, not ``25000.0``)."""
    return int(value) if float(value).is_integer() else value


class Bucket(Protocol):
    def take(self, key: str, cost: float) -> Level: ...


def _capacity() -> tuple[float, float]:
    return float(settings.API_TOKENS["BUCKET_CAPACITY"]), float(
        settings.API_TOKENS["BUCKET_RESTORE_RATE"]
    )


class MemoryBucket:
    """Buckets of this process (no Redis, or Redis away)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, cost: float) -> Level:
        capacity, rate = _capacity()
        now = time.monotonic()
        with self._lock:
            available, at = self._state.get(key, (capacity, now))
            available = min(capacity, available + max(0.0, now - at) * rate)
            allowed = cost <= 0 or cost <= available
            if allowed:
                available = min(capacity, available - cost)
            self._state[key] = (available, now)
        return Level(allowed, available, capacity, rate)


class RedisBucket:
    def __init__(self, url: str, prefix: str) -> None:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._leak = client.register_script(LEAK)
        self._prefix = prefix
        self._fallback = MemoryBucket()

    def take(self, key: str, cost: float) -> Level:
        capacity, rate = _capacity()
        ttl_ms = int(1000 * (capacity / rate + 1)) if rate > 0 else 86_400_000
        try:
            allowed, available = self._leak(
                keys=[f"{self._prefix}:cost-bucket:{key}"], args=[capacity, rate, cost, ttl_ms]
            )
        except redis.RedisError:
            logger.warning("cost bucket: Redis did not answer; this process counts alone")
            return self._fallback.take(key, cost)
        return Level(bool(allowed), float(available), capacity, rate)


@functools.lru_cache(maxsize=4)
def _bucket(url: str, prefix: str) -> Bucket:
    return RedisBucket(url, prefix) if url else MemoryBucket()


def bucket() -> Bucket:
    """The bucket store the settings name (one per process)."""
    return _bucket(settings.REDIS_URL, settings.REDIS_PREFIX)


def actual_cost(data: object) -> int:
    """What a result cost: one per object it holds (the root not counted), as ``requested``
    counts one per object a query may return."""
    total = 0
    stack = [data]
    while stack:
        value = stack.pop()
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, dict):
                total += 1
            if isinstance(child, dict | list):
                stack.append(child)
    return total
