"""``make test``: run the whole suite on the best backends this machine has.

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are used when they answer; otherwise
the suite runs on SQLite and the in-memory channel layer and says so (the realtime tests that
need several processes are then skipped, loudly). With ``IQAMA_REQUIRE_SERVICES=1`` (CI) a
missing service is a failure, not a fallback. A run that collects no test fails.

The GraphQL tests then run a second time with ``GRAPHQL_FASTPATH=0``, so the schema is tested
on the libraries' own code too (``schema/fastpath``): ``tests/schema``, or the part of it the
arguments name. The runner fails when either run fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

from tests.support.postgres import drop_database

GRAPHQL_TESTS = Path("tests/schema")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _drop_leftover_test_database(url: str, name: str) -> None:
    """pytest-django drops the test database, unless a session some test left behind (a server
    process or thread not yet gone) still holds it: then it only warns. Drop it regardless."""
    import psycopg

    try:
        drop_database(url, name)
    except psycopg.Error as exc:
        print(f"could not drop the test database {name}: {exc}", flush=True)


def _fastpath_off_arguments(argv: list[str]) -> list[str] | None:
    """The arguments of the run without the fastpath: the GraphQL tests among those selected
    (all of them when no path is named), with the same options; None when there are none."""
    paths: list[str] = []
    options: list[str] = []
    for arg in argv:
        (paths if Path(arg.split("::")[0]).exists() else options).append(arg)
    if not paths:
        return [*options, str(GRAPHQL_TESTS)]
    graphql = []
    for arg in paths:
        path = Path(arg.split("::")[0])
        if path == GRAPHQL_TESTS or GRAPHQL_TESTS in path.parents:
            graphql.append(arg)
        elif path.resolve() in GRAPHQL_TESTS.resolve().parents:  # a folder above, as tests/
            graphql.append(str(GRAPHQL_TESTS))
    return [*options, *dict.fromkeys(graphql)] if graphql else None


def _pytest(arguments: list[str], env: dict[str, str], database: str) -> int:
    code = subprocess.call([sys.executable, "-m", "pytest", *arguments], env=env)
    if database == "postgresql":
        _drop_leftover_test_database(env["DATABASE_URL"], env["TEST_DB_NAME"])
    if code == 5:
        print("pytest collected no tests: failing the run.", flush=True)
        return 1
    return code


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    required = env.get("IQAMA_REQUIRE_SERVICES") == "1"
    if "DATABASE_URL" not in env and _answers("127.0.0.1", 5432):
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/iqama"
    if "REDIS_URL" not in env and _answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    run_id = uuid.uuid4().hex[:8]
    env.setdefault("CHANNEL_PREFIX", f"iqama-test-{run_id}")
    env.setdefault("TEST_DB_NAME", f"test_iqama_{run_id}")

    database = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    layer = "channels-redis" if env.get("REDIS_URL") else "in-memory"
    print(f"iqama test backends: database={database}, channel layer={layer}", flush=True)
    if required and (database != "postgresql" or layer != "channels-redis"):
        print("IQAMA_REQUIRE_SERVICES=1 but PostgreSQL or Redis is not answering.", flush=True)
        return 1

    code = _pytest(argv, env, database)
    off_arguments = _fastpath_off_arguments(argv)
    already_off = env.get("GRAPHQL_FASTPATH", "").strip().lower() not in ("", "1", "true")
    if off_arguments is not None and not already_off:
        print("iqama: the GraphQL tests again, with GRAPHQL_FASTPATH=0", flush=True)
        off_env = {**env, "GRAPHQL_FASTPATH": "0", "TEST_DB_NAME": f"{env['TEST_DB_NAME']}_off"}
        off_code = _pytest(off_arguments, off_env, database)
        print(f"iqama: fastpath on: exit {code}; fastpath off: exit {off_code}", flush=True)
        code = code or off_code
    print(f"iqama test backends: database={database}, channel layer={layer}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
