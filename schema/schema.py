"""The one GraphQL schema: the domains' queries and mutations merged, with the optimizer and
the abuse limits."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import strawberry
from django.conf import settings
from graphql import GraphQLError, MiddlewareManager
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

from realtime.subscriptions import Subscription
from schema.accounts.schema import AccountMutation, AccountQuery
from schema.argument_cache import install as install_argument_cache
from schema.connections import install as install_connection_edges
from schema.core.mutations import ResidencyMutation
from schema.core.queries import ResidencyQuery
from schema.documents.mutations import DocumentMutation
from schema.documents.queries import DocumentQuery
from schema.error_policy import ErrorPolicy, unexpected
from schema.execution import IqamaExecutionContext, install_argument_memo
from schema.limits import DepthAndAliasLimits, QueryCost
from schema.model_types import is_plain_attribute_resolver
from schema.optimizer_fix import install as install_optimizer_fix
from schema.payments.mutations import PaymentMutation
from schema.payments.types import PaymentQuery
from schema.renewals.mutations import RenewalMutation
from schema.renewals.types import RenewalQuery
from schema.scalars import DECIMAL


@strawberry.type
class Query(ResidencyQuery, RenewalQuery, DocumentQuery, PaymentQuery, AccountQuery):
    pass


@strawberry.type
class Mutation(
    ResidencyMutation, RenewalMutation, DocumentMutation, PaymentMutation, AccountMutation
):
    pass


class ResolverMiddleware(MiddlewareManager):
    """Extensions' ``resolve`` hooks (the optimizer's) around every field but plain attributes.

    The optimizer's hook only acts on querysets a resolver returns; a plain attribute read (a
    model column, an edge's node) never is one, and a page of 50 dependents has ~450 of them.
    """

    def get_field_resolver(self, field_resolver: Any) -> Any:
        if is_plain_attribute_resolver(field_resolver):
            return field_resolver
        return super().get_field_resolver(field_resolver)


logger = logging.getLogger("iqama.graphql")


class IqamaSchema(strawberry.Schema):
    def _get_middleware_manager(self, extensions: list[Any]) -> MiddlewareManager:
        return ResolverMiddleware(*(ext for ext in extensions if ext._implements_resolve()))

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log what went wrong in the code, with its traceback (the request id is on every
        record); a client's mistakes are the client's answer, not the operator's concern."""
        for error in errors:
            if unexpected(error):
                original = error.original_error
                logger.error(
                    "GraphQL error at %s: %s",
                    ".".join(map(str, error.path or [])) or "-",
                    error.message,
                    exc_info=(type(original), original, original.__traceback__),
                )


install_optimizer_fix()  # see schema/optimizer_fix.py
install_argument_cache()  # see schema/argument_cache.py
install_connection_edges()  # see schema/connections.py
install_argument_memo()  # see schema/execution.py

_limits = settings.GRAPHQL_LIMITS


def make_schema() -> IqamaSchema:
    """The schema as the settings say (introspection on or off) — read once, at import."""
    extensions: list[Any] = [
        ErrorPolicy,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        DepthAndAliasLimits,
        lambda: MaxTokensLimiter(max_token_count=_limits["MAX_TOKENS"]),
        QueryCost,
        DjangoOptimizerExtension,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.insert(3, DisableIntrospection)
    return IqamaSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(
            relay_max_results=_limits["MAX_PAGE_SIZE"], scalar_map={Decimal: DECIMAL}
        ),
        execution_context_class=IqamaExecutionContext,  # see schema/execution.py
        extensions=extensions,
    )


schema = make_schema()
