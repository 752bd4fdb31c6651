"""Extensions' ``resolve`` hooks (the optimizer's) around every field but plain attributes.

The optimizer's hook only acts on querysets a resolver returns; a plain attribute read (a
model column, an edge's node) never is one, and a sponsor's file has hundreds of them. The
schema builds its middleware manager in a private method, which ``SchemaMixin`` overrides.
"""

from __future__ import annotations

from typing import Any

from graphql import MiddlewareManager

from schema.fastpath.executor import is_plain_attribute_resolver


class ResolverMiddleware(MiddlewareManager):
    def get_field_resolver(self, field_resolver: Any) -> Any:
        if is_plain_attribute_resolver(field_resolver):
            return field_resolver
        return super().get_field_resolver(field_resolver)


def middleware_manager(extensions: list[Any]) -> MiddlewareManager:
    """As strawberry builds it per request, with ``ResolverMiddleware``."""
    return ResolverMiddleware(*(ext for ext in extensions if ext._implements_resolve()))
