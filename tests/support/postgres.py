"""Creating and dropping a PostgreSQL database of one's own, through the server's ``postgres``
database: what the test runner and the benchmarks do around their runs."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def admin_url(url: str) -> str:
    """The server's ``postgres`` database, reached as ``url`` reaches its own."""
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def create_database(url: str, name: str) -> bool:
    """Create ``name`` on ``url``'s server unless it exists; True when this call created it."""
    with psycopg.connect(admin_url(url), autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str, name: str) -> None:
    """Drop ``name`` on ``url``'s server, closing whatever sessions still hold it."""
    with psycopg.connect(admin_url(url), autocommit=True, connect_timeout=5) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))
