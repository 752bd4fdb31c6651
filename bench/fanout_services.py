"""What the fan-out benchmark runs on besides its database (``bench.common.BenchDatabase``):
Redis under a channel prefix of its own (its keys deleted at the end), with the Redis reads the
run makes."""

from __future__ import annotations

import time

import redis


def delete_redis_keys(redis_url: str, prefix: str) -> int:
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(keys), 500):
            client.delete(*keys[i : i + 500])
        return len(keys)
    finally:
        client.close()


def redis_cpu_seconds(redis_url: str) -> float:
    client = redis.Redis.from_url(redis_url)
    try:
        info = client.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    finally:
        client.close()


def wait_for_groups(
    redis_url: str, prefix: str, application_ids: list[int], subscriptions: int, timeout: float
) -> None:
    """Block until every subscription has joined its application's group in Redis (there is no
    "subscribed" acknowledgement in graphql-transport-ws; an earlier event would be lost)."""
    client = redis.Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            pipe = client.pipeline()
            for pk in application_ids:
                pipe.zcard(f"{prefix}:group:application.{pk}")
            members = sum(pipe.execute())
            if members >= subscriptions:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{members} of {subscriptions} subscriptions live")
            time.sleep(0.2)
    finally:
        client.close()
