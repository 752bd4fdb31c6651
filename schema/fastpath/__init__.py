"""The read path's shortcuts through library internals, in one optional package.

Everything here reaches into private code of graphql-core, strawberry-graphql or
strawberry-graphql-django: the executor's shortcut for plain fields (``executor.py``), the
extensions' resolve hooks skipped for plain attributes (``middleware.py``), the optimizer
planning a prefetched foreign key once (``optimizer.py``) and graphql-core's per-event memo of
subscriptions (``subscriptions.py``). Private code changes without notice, so the package is
applied only when ``GRAPHQL_FASTPATH`` is on (the default) and the installed versions are
exactly ``PINNED``, the ones in ``requirements.lock`` that it was written and tested against.
Otherwise it logs one warning (when on) and the schema runs on the libraries' own code: the
same answers, slower. The version check is the only guard: when the package is not applied,
its other modules are not even imported.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from django.conf import settings
from graphql import MiddlewareManager

logger = logging.getLogger(__name__)

# The versions of requirements.lock (a test checks that they agree).
PINNED = {
    "graphql-core": "3.3.2",
    "strawberry-graphql": "0.341.2",
    "strawberry-graphql-django": "0.93.0",
}


def installed_versions() -> dict[str, str | None]:
    """The installed version of each pinned distribution (None when it is missing)."""
    found: dict[str, str | None] = {}
    for name in PINNED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def decide(wanted: bool, installed: Mapping[str, str | None]) -> bool:
    """Whether to apply the fastpath; warns when it is wanted but the versions differ."""
    if not wanted:
        logger.info("GRAPHQL_FASTPATH is off: the schema runs on the libraries' own code")
        return False
    differ = {name: v for name, v in installed.items() if v != PINNED.get(name)}
    if differ:
        found = ", ".join(
            f"{name} {v} (written for {PINNED.get(name)})" for name, v in differ.items()
        )
        logger.warning(
            "GRAPHQL_FASTPATH is on but %s: not applied, the schema runs on the libraries' own"
            " code (slower; see schema/fastpath/__init__.py)",
            found,
        )
        return False
    return True


@functools.cache
def active() -> bool:
    """Decided once per process, from the setting and the installed versions."""
    return decide(getattr(settings, "GRAPHQL_FASTPATH", True), installed_versions())


def install() -> bool:
    """Put in place what replaces library functions (the optimizer's fix) when active; the
    rest is handed to the schema through ``execution_context_class`` and ``SchemaMixin``."""
    if not active():
        return False
    from schema.fastpath import optimizer

    optimizer.install()
    return True


def execution_context_class() -> type | None:
    """The schema's executor: ours when active, else None (strawberry's own)."""
    if not active():
        return None
    from schema.fastpath.executor import FastExecutionContext

    return FastExecutionContext


class SchemaMixin:
    """Base of the schema class: extensions' resolve hooks skip plain attributes when active."""

    def _get_middleware_manager(self, extensions: list[Any]) -> MiddlewareManager:
        if not active():
            return super()._get_middleware_manager(extensions)  # type: ignore[misc]
        from schema.fastpath.middleware import middleware_manager

        return middleware_manager(extensions)
