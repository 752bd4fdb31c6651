"""The request id: one per HTTP request (``iqama.middleware.RequestIdMiddleware`` sets it), in
every log line it causes and in masked errors.

A client (or the proxy in front) may send its own ``X-Request-ID`` (8 to 64 letters, digits,
dots, dashes, underscores); otherwise one is made. It is answered back in ``X-Request-ID``, so a
user who reports "Unexpected error, reference …" leads an operator to the traceback.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: ContextVar[str] = ContextVar("iqama_request_id", default="-")


def current_request_id() -> str:
    return _current.get()


def new_request_id(offered: str | None = None) -> str:
    return offered if offered and _ACCEPTED.fullmatch(offered) else uuid.uuid4().hex


@contextmanager
def request_id_set(request_id: str) -> Iterator[str]:
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
