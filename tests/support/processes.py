"""The environment of the processes tests start (daphne, application workers): this
process's, pointed at the *test* database, so that what a test commits they see."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

# A cross-site origin the daphne processes are told to allow (WEBSOCKET_ALLOWED_ORIGINS), so that
# the tests go through the allow-list and not the same-origin shortcut.
ALLOWED_ORIGIN = "http://app.iqama.test"
NEEDS_REDIS = (
    "needs REDIS_URL: daphne runs in another process, and the in-memory channel layer "
    "cannot carry events between processes (run through `python -m tests.runner` with Redis up)"
)


def database_url_for_test_db() -> str:
    """A DATABASE_URL for the database this test process really uses: the test database."""
    s = connection.settings_dict
    engine = s["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(s["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.skip("an in-memory SQLite test database cannot be shared with daphne")
        return f"sqlite:///{Path(name).resolve()}"
    if engine != "django.db.backends.postgresql":
        raise RuntimeError(f"no DATABASE_URL scheme known for {engine}")
    auth = ""
    if s.get("USER"):
        auth = quote(s["USER"], safe="")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"], safe="")
        auth += "@"
    host = str(s.get("HOST") or "")
    if host.startswith("/"):
        host = quote(host, safe="")  # a unix socket directory
    elif ":" in host:
        host = f"[{host}]"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


def daphne_environment() -> dict[str, str]:
    """Daphne on the test database and on the test process's Redis layer and channel prefix,
    allowing ``ALLOWED_ORIGIN``."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "iqama.settings")
    env["DATABASE_URL"] = database_url_for_test_db()
    env["REDIS_URL"] = settings.REDIS_URL
    prefix = settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix")
    if prefix:
        env["CHANNEL_PREFIX"] = prefix
    origins = [o for o in settings.WEBSOCKET_ALLOWED_ORIGINS if o]
    env["WEBSOCKET_ALLOWED_ORIGINS"] = ",".join(dict.fromkeys([*origins, ALLOWED_ORIGIN]))
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    env["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, "127.0.0.1"]))
    env["PYTHONUNBUFFERED"] = "1"
    return env
