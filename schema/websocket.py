"""The GraphQL websocket consumer (graphql-transport-ws).

Authentication happens once, at ``connection_init``: a bearer API token in the payload
(``{"authorization": "Bearer …"}``), else the session cookie the browser sent with the upgrade
(read by Channels' auth middleware). Origins are checked before that (``allowed_origins``).

Then the websocket joins its user's group, and its token's: when a delegate is revoked (or loses
a scope) or a token is revoked, ``realtime.broadcast`` sends ``ACCESS_REVOKED`` there and the
websocket is closed at once (4403), its subscriptions with it; the client connects again with
what it holds now. A token revoked between its authentication and the join is caught by reading
it again after the join.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from core import access
from core.request_id import new_request_id
from core.services.accounts import api_token_authenticate
from realtime.gc_tuning import tune_for_long_lived_connections
from realtime.groups import ACCESS_REVOKED, LAYER_RECONNECTED, token_group, user_group
from realtime.metrics import websocket_connections
from schema.context import IqamaContext, language_from_header
from schema.schema import schema
from schema.views import bearer_token

logger = logging.getLogger(__name__)
FORBIDDEN = 4403  # graphql-transport-ws: the server refuses the client


def _principal(user: Any) -> tuple[int | None, Any]:
    """The user's id (None when anonymous) and the token the websocket authenticated with."""
    if not (user and user.is_authenticated):
        return None, None
    return user.pk, access.acting_token(user)


class IqamaWSConsumer(GraphQLWSConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        """The channel layer's word that Redis is back (``realtime.layers``) goes to every
        subscription on this websocket, whatever message type it listens to; the word that
        its user's or token's access was revoked closes it."""
        if message.get("type") == LAYER_RECONNECTED:
            for queues in self.listen_queues.values():
                for queue in queues:
                    queue.put_nowait(message)
            for group in getattr(self, "access_groups", ()):  # a restarted Redis forgot them
                await self.channel_layer.group_add(group, self.channel_name)
            return
        if message.get("type") == ACCESS_REVOKED:
            await self.close_for_revocation()
            return
        await super().dispatch(message)

    async def close_for_revocation(self) -> None:
        # The subscriptions stop now, whatever the client does with the close frame.
        self.message_queue.put_nowait({"message": None, "disconnected": True})
        await self.close(code=FORBIDDEN, reason="Access revoked: connect again.")

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        websocket_connections.inc()
        self.counted = True
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if getattr(self, "counted", False):
            websocket_connections.dec()
            self.counted = False
        for group in getattr(self, "access_groups", ()):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # Redis away: the membership expires on its own
                logger.warning("could not leave %s", group, exc_info=True)
        self.access_groups = ()
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
        await self.watch_revocations(context.user)

    async def watch_revocations(self, user: Any) -> None:
        """Join the groups a revocation is announced to (``realtime.groups``)."""
        user_id, token = await sync_to_async(_principal)(user)
        if user_id is None or self.channel_layer is None:
            return
        groups = [user_group(user_id)] + ([token_group(token.pk)] if token is not None else [])
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.access_groups = tuple(groups)
        if token is not None and not await sync_to_async(access.token_still_holds)(token):
            raise ConnectionRejectionError({"message": "Invalid or revoked API token."})


def graphql_ws_consumer() -> Any:
    """The ASGI app of the GraphQL websocket (``iqama/asgi.py`` routes ``/graphql/`` to it)."""
    tune_for_long_lived_connections()  # this process serves websockets: see gc_tuning

    return IqamaWSConsumer.as_asgi(
        schema=schema,
        allowed_origins=settings.WEBSOCKET_ALLOWED_ORIGINS,
    )
