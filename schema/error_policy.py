"""What a client is told when a request goes wrong: every error has a code, and no internal
message leaves the service.

Expected failures of mutations are typed payload errors (``schema.errors``); what reaches the
``errors`` list is the GraphQL layer's own (syntax, validation, variable coercion, our typed
``GraphQLError``s such as INVALID_CURSOR) or an exception nobody expected. Each gets an
``extensions.code``. Unexpected exceptions are logged with the request id and their traceback
(``IqamaSchema.process_errors``) and, unless ``GRAPHQL_MASK_ERRORS`` is off (DEBUG), reach the
client as "Unexpected error" with that id to quote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError

from core.request_id import current_request_id

logger = logging.getLogger("iqama.graphql")
INTERNAL = "INTERNAL_SERVER_ERROR"
# Exceptions whose message is written for the client: bad input caught while resolving.
CLIENT_ERRORS = (GlobalIDValueError,)


def request_id_of(execution_context: Any) -> str:
    """The HTTP request's id, or the websocket connection's (``IqamaContext.request_id``)."""
    context_id = getattr(getattr(execution_context, "context", None), "request_id", "-")
    return context_id if context_id != "-" else current_request_id()


def unexpected(error: GraphQLError) -> bool:
    """An exception from the code, not a GraphQL error about the request."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, *CLIENT_ERRORS))


def code_of(error: GraphQLError) -> str:
    if error.extensions and error.extensions.get("code"):
        return str(error.extensions["code"])
    if isinstance(error.original_error, CLIENT_ERRORS):
        return "BAD_USER_INPUT"
    if unexpected(error):
        return INTERNAL
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return INTERNAL  # e.g. a null where the schema promises a value


class ErrorPolicy(MaskErrors):
    def __init__(self) -> None:
        super().__init__(
            should_mask_error=unexpected if settings.GRAPHQL_MASK_ERRORS else lambda _: False,
            error_message="Unexpected error.",
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_of(self.execution_context)
        return GraphQLError(
            f"Unexpected error (reference {request_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL, "requestId": request_id},
        )

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLError as error:  # raised by a hook before execution (a parse error)
            error.extensions = {**(error.extensions or {}), "code": code_of(error)}
            raise
        except Exception as exc:  # an exception before execution: strawberry would show it
            logger.error(
                "GraphQL request failed before execution",
                exc_info=exc,
                extra={"request_id": request_id_of(self.execution_context)},
            )
            error = GraphQLError(str(exc), original_error=exc, extensions={"code": INTERNAL})
            raise (self.anonymise_error(error) if self.should_mask_error(error) else error) from exc
        for error in getattr(self.execution_context.result, "errors", None) or ():
            error.extensions = {**(error.extensions or {}), "code": code_of(error)}
