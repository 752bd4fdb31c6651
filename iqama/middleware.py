"""Django's middleware, marked synchronous-only, so that under ASGI a request crosses from the
event loop to a worker thread once instead of twice per middleware.

Django's ``MiddlewareMixin`` is both sync- and async-capable. Served by daphne (ASGI), Django
therefore runs the chain in async mode, and each middleware's ``process_request`` and
``process_response`` is handed to a thread with ``sync_to_async`` and back: with eight
middlewares and sync views that is some 18 thread hand-offs per request (``bench/read_bench.py
--profile`` counts them), several milliseconds of latency for nothing, since every view that
does real work here is synchronous (the GraphQL view included, see ``schema/views.py``). Marked
sync-only, the whole chain and the view run in one hop. The one async view, ``/readyz``, is
run by Django through ``async_to_sync`` on the server's event loop.

Websockets do not pass through here: Channels has its own middleware stack (``iqama/asgi.py``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse
from django.middleware import clickjacking, common, csrf, locale, security

from core.request_id import HEADER, new_request_id, request_id_set

requests_log = logging.getLogger("iqama.requests")


def _sync_only(middleware: type) -> type:
    """The same middleware, telling Django it has no async mode."""
    return type(
        middleware.__name__, (middleware,), {"async_capable": False, "__module__": __name__}
    )


SecurityMiddleware = _sync_only(security.SecurityMiddleware)
SessionMiddleware = _sync_only(sessions.SessionMiddleware)
LocaleMiddleware = _sync_only(locale.LocaleMiddleware)
CommonMiddleware = _sync_only(common.CommonMiddleware)
CsrfViewMiddleware = _sync_only(csrf.CsrfViewMiddleware)
AuthenticationMiddleware = _sync_only(auth.AuthenticationMiddleware)
MessageMiddleware = _sync_only(messages.MessageMiddleware)
XFrameOptionsMiddleware = _sync_only(clickjacking.XFrameOptionsMiddleware)


class RequestIdMiddleware:
    """Sets the request id (``core.request_id``) for the request's duration, answers it in
    ``X-Request-ID`` and logs the request, one line each (first in the chain, sync like the
    rest; daphne's own access log is off in the Procfile)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with request_id_set(new_request_id(request.headers.get(HEADER))) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            requests_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        response[HEADER] = request_id
        return response
