"""ASGI entry point: HTTP through Django (middleware, CSRF, sessions), websockets through
Channels with session auth and an origin check. With ``IQAMA_INPROCESS_WORKER=1`` (``make run``)
an application worker thread runs inside this process (docs/workers.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iqama.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402
from twisted.web.http import HTTPChannel  # noqa: E402

from schema.websocket import graphql_ws_consumer  # noqa: E402

# Twisted (under daphne) drops a connection whose request line or headers pass 16 KiB without a
# word. Let them reach Django, which answers a GET that is too long with a JSON 414 (the
# GraphQL view's MAX_GET_QUERY_BYTES). Beyond this, Twisted's own refusal stands.
HTTPChannel.MAX_LENGTH = HTTPChannel.totalHeadersSize = 256 * 1024

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(URLRouter([path("graphql/", graphql_ws_consumer())])),
    }
)

if settings.INPROCESS_WORKER:
    # One worker per process, however often this module is imported (start_in_process).
    from core.applications.worker import BindWorkerToEventLoop, start_in_process

    application = BindWorkerToEventLoop(application, start_in_process())
