"""The one GraphQL schema: the domains' queries and mutations merged, with the optimizer and
the abuse limits."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import strawberry
from django.conf import settings
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

from schema import fastpath
from schema.accounts.schema import AccountMutation, AccountQuery
from schema.applications.holder import OwnResidencyQuery, OwnResidencySubscription
from schema.applications.mutations import ApplicationMutation
from schema.applications.queries import ApplicationQuery
from schema.applications.subscriptions import ApplicationSubscription
from schema.applications.transfers import TransferConsentQuery
from schema.applications.visits import VisitPermitQuery
from schema.bulk.mutations import BulkMutation
from schema.bulk.queries import BulkQuery
from schema.bulk.subscriptions import BulkSubscription
from schema.core.mutations import ResidencyMutation
from schema.core.queries import ResidencyQuery
from schema.core.subscriptions import PermitSubscription
from schema.documents.mutations import DocumentMutation
from schema.documents.queries import DocumentQuery
from schema.error_policy import ErrorPolicy, request_id_of, unexpected
from schema.idempotency import make_idempotent
from schema.limits import DepthAndAliasLimits, QueryCost
from schema.payments.mutations import PaymentMutation
from schema.payments.preview import ApplicationPreviewQuery
from schema.payments.queries import PaymentQuery
from schema.reminders.subscriptions import ReminderSubscription
from schema.scalars import DECIMAL
from schema.sponsors.mutations import SponsorMutation
from schema.webhooks.mutations import WebhookMutation
from schema.webhooks.queries import WebhookQuery


@strawberry.type
class Query(
    ResidencyQuery,
    ApplicationQuery,
    ApplicationPreviewQuery,
    OwnResidencyQuery,
    VisitPermitQuery,
    TransferConsentQuery,
    BulkQuery,
    DocumentQuery,
    PaymentQuery,
    WebhookQuery,
    AccountQuery,
):
    pass


@strawberry.type
class Mutation(
    ResidencyMutation,
    ApplicationMutation,
    BulkMutation,
    DocumentMutation,
    PaymentMutation,
    WebhookMutation,
    AccountMutation,
    SponsorMutation,
):
    pass


make_idempotent(Mutation)


@strawberry.type
class Subscription(
    PermitSubscription,
    ApplicationSubscription,
    OwnResidencySubscription,
    ReminderSubscription,
    BulkSubscription,
):
    pass


logger = logging.getLogger("iqama.graphql")


class IqamaSchema(fastpath.SchemaMixin, strawberry.Schema):
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
                    extra={"request_id": request_id_of(execution_context)},
                )


fastpath.install()  # when on and the libraries are the pinned versions: schema/fastpath/

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
        execution_context_class=fastpath.execution_context_class(),
        extensions=extensions,
    )


schema = make_schema()
