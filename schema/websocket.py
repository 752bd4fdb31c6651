"""The GraphQL websocket consumer (graphql-transport-ws).

Authentication happens once, at ``connection_init``: a bearer API token in the payload
(``{"authorization": "Bearer …"}``), else the session cookie the browser sent with the upgrade
(read by Channels' auth middleware). Origins are checked before that (``allowed_origins``).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from core.request_id import new_request_id
from core.services.accounts import api_token_authenticate
from realtime.gc_tuning import tune_for_long_lived_connections
from realtime.groups import LAYER_RECONNECTED
from realtime.metrics import websocket_connections
from schema.context import IqamaContext, language_from_header
from schema.schema import schema
from schema.views import bearer_token


class IqamaWSConsumer(GraphQLWSConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        """The channel layer's word that Redis is back (``realtime.layers``) goes to every
        subscription on this websocket, whatever message type it listens to."""
        if message.get("type") == LAYER_RECONNECTED:
            for queues in self.listen_queues.values():
                for queue in queues:
                    queue.put_nowait(message)
            return
        await super().dispatch(message)

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        websocket_connections.inc()
        self.counted = True
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if getattr(self, "counted", False):
            websocket_connections.dec()
            self.counted = False
        forget = getattr(self.channel_layer, "forget", None)
        if forget is not None:
            forget(self.channel_name)
        await super().websocket_disconnect(message)

    async def get_context(self, request: Any, response: Any) -> IqamaContext:
        headers = dict(self.scope.get("headers") or [])
        language = language_from_header(headers.get(b"accept-language", b"").decode("latin1"))
        return IqamaContext(
            request=request,
            response=response,
            user=self.scope.get("user") or AnonymousUser(),
            language=language,
            ws=self,
            request_id=new_request_id(),
        )

    async def on_ws_connect(self, context: IqamaContext) -> None:
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        if raw:
            token = bearer_token(str(raw)) or str(raw)
            user = await sync_to_async(api_token_authenticate)(token)
            if user is None:
                raise ConnectionRejectionError({"message": "Invalid or revoked API token."})
            context.user = user


def graphql_ws_consumer() -> Any:
    """The ASGI app of the GraphQL websocket (``iqama/asgi.py`` routes ``/graphql/`` to it)."""
    tune_for_long_lived_connections()  # this process serves websockets: see gc_tuning

    return IqamaWSConsumer.as_asgi(
        schema=schema,
        allowed_origins=settings.WEBSOCKET_ALLOWED_ORIGINS,
    )
