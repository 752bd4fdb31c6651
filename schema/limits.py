"""Query cost and pagination arguments, checked before a query runs.

Every field that returns objects costs one per object it may return; a connection multiplies
what is below it by its ``first``/``last`` (the page size cap when absent). A query above the
budget is refused before execution with a clear error, and every response says its cost in
``extensions.cost`` so integrators can pace themselves (see docs/api-limits.md). A request made
with an API token also draws its cost from the token's leaky bucket (``schema.throttle``): over
it, a ``THROTTLED`` error with ``retryAfter`` and nothing run; after it, what the result actually
cost (one per object returned) is given back, and ``extensions.cost`` tells ``actual`` and the
bucket's ``throttleStatus``. The same walk
checks every ``first``/``last`` (0 to the page size cap) and ``after``/``before`` (a cursor this
API gave out): a bad one is a typed error (``INVALID_PAGINATION``, ``INVALID_CURSOR``) before
anything runs, not a decoding failure in the middle of it. One login per request, too: aliases
would otherwise try many passwords in one request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    value_from_ast_untyped,
)
from graphql.validation import ValidationContext, ValidationRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.relay.types import PREFIX as CURSOR_PREFIX
from strawberry.relay.utils import from_base64

from core import access
from core.errors import CATALOGUE, AccountErrorCode
from schema.throttle import Level, actual_cost, bucket

# The largest offset a cursor may carry (far beyond any list here; keeps databases' integers).
MAX_CURSOR_OFFSET = 10**9


def _limits() -> dict[str, int]:
    return settings.GRAPHQL_LIMITS


class OneLoginPerOperation(ValidationRule):
    """At most one ``login`` field in an operation (aliases would try many passwords at once)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.logins = 0

    def enter_operation_definition(self, *_: Any) -> None:
        self.logins = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        parent = self.context.get_parent_type()
        mutation = self.context.schema.mutation_type
        if node.name.value == "login" and mutation is not None and parent is mutation:
            self.logins += 1
            if self.logins == 2:
                self.report_error(
                    GraphQLError(
                        "Sign in once per request.",
                        node,
                        extensions={"code": "ONE_LOGIN_PER_REQUEST"},
                    )
                )


# Made once: strawberry's QueryDepthLimiter and MaxAliasesLimiter build a new rule class per
# extension instance, i.e. per request, and the validation cache never hits with them.
DEPTH_AND_ALIAS_RULES = [
    depth_rule(_limits()["MAX_DEPTH"], None, None),
    alias_rule(_limits()["MAX_ALIASES"]),
    OneLoginPerOperation,
]


class DepthAndAliasLimits(AddValidationRules):
    """Maximum operation depth and alias count, one login: cacheable validation rules."""

    def __init__(self) -> None:
        super().__init__(DEPTH_AND_ALIAS_RULES)


class PaginationError(Exception):
    """A pagination argument no connection can take; ``code`` says which kind."""

    def __init__(self, message: str, code: str, node: FieldNode) -> None:
        super().__init__(message)
        self.code = code
        self.node = node


class QueryCost(SchemaExtension):
    def __init__(self, *, execution_context: Any = None) -> None:
        self.cost: int | None = None
        self.actual: int | None = None
        self.level: Level | None = None
        self.token_id: int | None = None
        self.subscription = False
        super().__init__(execution_context=execution_context)

    def on_validate(self) -> Iterator[None]:
        # Before the yield: strawberry answers with pre-execution errors inside the validation
        # step. Listed after ValidationCache, so a document that is invalid keeps its errors.
        self._measure()
        self._throttle()
        yield

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if self.subscription or result is None or not hasattr(result, "data"):
            return
        self.actual = actual_cost(result.data or {})
        if self.level is not None and self.level.allowed and self.cost is not None:
            unused = self.cost - self.actual
            if unused > 0:  # given back: the bucket is charged what the result cost
                self.level = bucket().take(str(self.token_id), -unused)

    def _throttle(self) -> None:
        """Draw the requested cost from the token's bucket; refuse the request when it holds
        less (no execution)."""
        ctx = self.execution_context
        if self.cost is None or ctx.pre_execution_errors:
            return
        context = ctx.context
        token = access.acting_token(getattr(context, "user", None))
        if token is None:
            return
        self.token_id = token.pk
        level = bucket().take(str(token.pk), self.cost)
        self.level = level
        if level.allowed:
            return
        if self.cost > level.capacity:  # never fits: a limit, not a wait
            message = f"Query cost {self.cost} exceeds the token's bucket of {level.capacity:g}."
            extensions = {"code": "QUERY_TOO_COSTLY", "cost": self.cost, "limit": level.capacity}
            ctx.pre_execution_errors = [GraphQLError(message, extensions=extensions)]
            return
        seconds = level.retry_after(self.cost)
        english, arabic = (
            text.format(seconds=seconds)
            for text in CATALOGUE[AccountErrorCode][AccountErrorCode.THROTTLED]
        )
        language = getattr(context, "language", "en")
        ctx.pre_execution_errors = [
            GraphQLError(
                arabic if language == "ar" else english,
                extensions={
                    "code": "THROTTLED",
                    "retryAfter": seconds,
                    "messageEn": english,
                    "messageAr": arabic,
                },
            )
        ]
        response = getattr(context, "response", None)
        if isinstance(response, HttpResponse):
            response["Retry-After"] = str(seconds)
            if getattr(response, "media_type", "") == "application/graphql-response+json":
                response.status_code = 429

    def _measure(self) -> None:
        ctx = self.execution_context
        if ctx.pre_execution_errors or ctx.graphql_document is None:
            return
        fragments = {
            d.name.value: d
            for d in ctx.graphql_document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        operations = [
            d for d in ctx.graphql_document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        if ctx.operation_name:
            operations = [o for o in operations if o.name and o.name.value == ctx.operation_name]
        if not operations:
            return
        walker = _CostWalker(fragments, ctx.variables or {}, _limits()["MAX_PAGE_SIZE"])
        if operations[0].operation == OperationType.SUBSCRIPTION:
            self.subscription = True
            walker.own_cursors = list(walker._fields(operations[0].selection_set, ()))
        try:
            self.cost = walker.cost(operations[0].selection_set, 1)
        except PaginationError as exc:
            ctx.pre_execution_errors = [
                GraphQLError(str(exc), exc.node, extensions={"code": exc.code})
            ]
            return
        limit = _limits()["MAX_COST"]
        if self.cost > limit:
            ctx.pre_execution_errors = [
                GraphQLError(
                    f"Query cost {self.cost} exceeds the limit of {limit}. Ask for fewer "
                    "objects: lower first/last or split the query.",
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": self.cost, "limit": limit},
                )
            ]

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        cost: dict[str, Any] = {"requested": self.cost, "limit": _limits()["MAX_COST"]}
        if self.actual is not None:
            cost["actual"] = self.actual
        if self.level is not None:
            cost["throttleStatus"] = self.level.status()
        return {"cost": cost}


class _CostWalker:
    def __init__(self, fragments: dict[str, Any], variables: dict[str, Any], page: int):
        self.fragments = fragments
        self.variables = variables
        self.page = page
        self.own_cursors: list[FieldNode] = []  # a subscription's root fields

    def _page_size(self, field: FieldNode) -> int | None:
        """The page size the field asks for, checking its pagination arguments on the way (but
        a subscription's own ``after``, which is not a connection's: ``realtime.feeds``)."""
        names = {arg.name.value: arg for arg in field.arguments or ()}
        sizes = []
        for key in ("first", "last"):
            if key in names:
                value = value_from_ast_untyped(names[key].value, self.variables)
                if isinstance(value, int) and not isinstance(value, bool):
                    if not 0 <= value <= self.page:
                        raise PaginationError(
                            f"'{key}' must be between 0 and {self.page}.",
                            "INVALID_PAGINATION",
                            field,
                        )
                    sizes.append(value)
        for key in () if any(field is own for own in self.own_cursors) else ("after", "before"):
            if key in names:
                value = value_from_ast_untyped(names[key].value, self.variables)
                if isinstance(value, str) and not _valid_cursor(value):
                    raise PaginationError(
                        f"'{key}' is not a cursor this API gave out.", "INVALID_CURSOR", field
                    )
        return min(sizes) if sizes else None

    def _fields(self, selection_set: SelectionSetNode, seen: tuple) -> Iterator[FieldNode]:
        """The fields of a selection set, looking through fragments."""
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                yield sel
            elif isinstance(sel, InlineFragmentNode):
                yield from self._fields(sel.selection_set, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name not in seen and name in self.fragments:
                    yield from self._fields(self.fragments[name].selection_set, (*seen, name))

    def cost(self, selection_set: SelectionSetNode | None, multiplier: int, seen=()) -> int:
        if selection_set is None:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.selection_set is None:
                    continue
                total += multiplier
                size = self._page_size(sel)
                is_connection = any(
                    child.name.value in ("edges", "nodes")
                    for child in self._fields(sel.selection_set, seen)
                )
                if is_connection:
                    size = size if size is not None else self.page
                    total += self.cost(sel.selection_set, multiplier * max(size, 1), seen)
                else:
                    total += self.cost(sel.selection_set, multiplier, seen)
            elif isinstance(sel, InlineFragmentNode):
                total += self.cost(sel.selection_set, multiplier, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in self.fragments:
                    continue
                total += self.cost(self.fragments[name].selection_set, multiplier, (*seen, name))
        return total


def _valid_cursor(value: str) -> bool:
    try:
        prefix, offset = from_base64(value)
    except (ValueError, TypeError):
        return False
    return (
        prefix == CURSOR_PREFIX
        and offset.isascii()
        and offset.isdigit()
        and int(offset) <= MAX_CURSOR_OFFSET
    )
