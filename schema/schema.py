"""The one GraphQL schema: the domains' queries and mutations merged, with the optimizer and
the abuse limits."""

from __future__ import annotations

import strawberry
from django.conf import settings
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

from realtime.execution import PerEventMemoExecutor
from realtime.subscriptions import Subscription
from schema.accounts.schema import AccountMutation, AccountQuery
from schema.core.mutations import ResidencyMutation
from schema.core.queries import ResidencyQuery
from schema.documents.mutations import DocumentMutation
from schema.documents.queries import DocumentQuery
from schema.limits import DepthAndAliasLimits, QueryCost
from schema.payments.mutations import PaymentMutation
from schema.payments.types import PaymentQuery
from schema.renewals.mutations import RenewalMutation
from schema.renewals.types import RenewalQuery


@strawberry.type
class Query(ResidencyQuery, RenewalQuery, DocumentQuery, PaymentQuery, AccountQuery):
    pass


@strawberry.type
class Mutation(
    ResidencyMutation, RenewalMutation, DocumentMutation, PaymentMutation, AccountMutation
):
    pass


_limits = settings.GRAPHQL_LIMITS

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(relay_max_results=_limits["MAX_PAGE_SIZE"]),
    execution_context_class=PerEventMemoExecutor,  # see realtime/execution.py
    extensions=[
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        DepthAndAliasLimits,
        lambda: MaxTokensLimiter(max_token_count=_limits["MAX_TOKENS"]),
        QueryCost,
        DjangoOptimizerExtension,
    ],
)
