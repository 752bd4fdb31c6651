"""The read benchmark's database: ``DATABASE_URL`` when set (a PostgreSQL database named there
is created if missing and then dropped; a SQLite file likewise; a database that already existed
keeps its data and only loses the rows the run seeded). When unset: a PostgreSQL database of
the run's own if PostgreSQL answers on 127.0.0.1:5432, else a throwaway SQLite file."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.common import ROOT
from tests.support.postgres import create_database, drop_database

# Per run (pid), so that two runs at once never drop each other's database.
DEFAULT_PG_NAME = f"iqama_read_bench_{os.getpid()}"
DEFAULT_SQLITE = ROOT / "var" / f"read_bench_{os.getpid()}.sqlite3"


@dataclass
class BenchDatabase:
    """The database the run uses, and whether the run owns it (then it drops it at the end)."""

    url: str
    vendor: str
    name: str
    owned: bool = False

    @classmethod
    def choose(cls) -> BenchDatabase:
        url = os.environ.get("DATABASE_URL", "").strip()
        if url:
            scheme = urlsplit(url).scheme
            if scheme.startswith("postgres"):
                return cls(url, "postgresql", _pg_name(url))
            if scheme == "sqlite":
                path = _sqlite_path(url)
                # Absolute, so that daphne (started in the project root) opens the same file.
                return cls(f"sqlite:///{path}", "sqlite", path)
            return cls(url, scheme, url)
        if _answers("127.0.0.1", 5432):
            url = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_PG_NAME}"
            return cls(url, "postgresql", DEFAULT_PG_NAME)
        return cls(f"sqlite:///{DEFAULT_SQLITE}", "sqlite", str(DEFAULT_SQLITE))

    def create(self) -> None:
        if self.vendor == "postgresql":
            self.owned = create_database(self.url, self.name)
        elif self.vendor == "sqlite":
            path = Path(self.name)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                self.owned = True

    def drop(self) -> None:
        if not self.owned:
            return
        if self.vendor == "postgresql":
            drop_database(self.url, self.name)
        elif self.vendor == "sqlite":
            _remove_sqlite(Path(self.name))

    def describe(self) -> str:
        where = "created and dropped by this run" if self.owned else "existing; seeded rows removed"
        return f"{self.vendor} {self.name} ({where})"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _pg_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _sqlite_path(url: str) -> str:
    # As dj-database-url reads it: sqlite:///relative.db (from the working directory),
    # sqlite:////absolute.db.
    path = urlsplit(url).path[1:]
    if path in ("", ":memory:"):
        raise SystemExit("an in-memory SQLite database cannot be shared with daphne: use a file")
    return str(Path(path).resolve())


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
