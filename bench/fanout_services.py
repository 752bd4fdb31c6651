"""What the fan-out benchmark runs on: a PostgreSQL database of its own, and Redis under a
channel prefix of its own (its keys deleted at the end), with the Redis reads the run makes."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import redis

from tests.support.postgres import create_database, drop_database


@dataclass
class FanoutDatabase:
    """A PostgreSQL database of the run's own: created, then dropped (WITH FORCE)."""

    server_url: str
    name: str = field(default_factory=lambda: f"iqama_fanout_{os.getpid()}")
    created: bool = False

    @classmethod
    def choose(cls) -> FanoutDatabase:
        url = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/"
        if not urlsplit(url).scheme.startswith("postgres"):
            raise SystemExit("fanout needs PostgreSQL (DATABASE_URL names the server to use)")
        return cls(url)

    @property
    def url(self) -> str:
        return urlsplit(self.server_url)._replace(path=f"/{self.name}").geturl()

    def create(self) -> None:
        self.created = create_database(self.url, self.name)

    def drop(self) -> None:
        if self.created:
            drop_database(self.url, self.name)
            self.created = False

    def describe(self) -> str:
        where = urlsplit(self.server_url)
        return f"postgresql {unquote(self.name)} on {where.hostname}:{where.port or 5432}"


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
