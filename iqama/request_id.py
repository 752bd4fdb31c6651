"""The request id: one per HTTP request, in every log line it causes and in masked errors.

A client (or the proxy in front) may send its own ``X-Request-ID`` (8 to 64 letters, digits,
dots, dashes, underscores); otherwise one is made. It is answered back in ``X-Request-ID``, so a
user who reports "Unexpected error, reference …" leads an operator to the traceback.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: ContextVar[str] = ContextVar("iqama_request_id", default="-")


def current_request_id() -> str:
    return _current.get()


def new_request_id(offered: str | None = None) -> str:
    return offered if offered and _ACCEPTED.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request id for the request's duration (first in the chain, sync like the rest:
    see ``iqama/middleware.py``)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
