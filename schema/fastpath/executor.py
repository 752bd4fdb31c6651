"""The schema's executor: plain fields skip graphql-core's per-field bookkeeping.

For every field graphql-core builds a resolve-info object, turns the field's AST nodes into a
list, reads its arguments, calls the resolver, checks whether the result is awaitable and
walks ``complete_value``'s type dispatch. A column read such as ``civilId``, or a related row
already in memory such as a dependent's ``person`` or an edge's ``node``, needs none of it:
strawberry resolves it with a plain attribute read (a *basic* field, see
``schema/model_types.py``) that takes no info and no arguments. A sponsor's file has hundreds
of such fields, and that bookkeeping was a measurable share of the read's cost
(``bench/read_bench.py``).

The shortcut is taken only where the outcome is graphql-core's own: a basic field with no
arguments in the query, whose type is a scalar, an enum or an object type (not a list, not an
interface or union), and whose value is present (an object's ``is_type_of`` agreeing).
Anything else (a null, a value that does not coerce, an exception from the read, a value not
loaded that must be fetched off the event loop) goes through graphql-core's path, which reads
the attribute again (a plain read, without side effects) and reports any error with its path
and location exactly as before. Errors below an object field are handled as graphql-core
handles them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.pyutils import Undefined
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.fastpath.subscriptions import PerEventMemoExecutor
from schema.model_types import ModelColumnField


def is_plain_attribute_resolver(resolver: Callable[..., Any]) -> bool:
    """Whether graphql-core got strawberry's resolver of a basic field (a private name)."""
    return getattr(resolver, "__name__", None) == "_get_basic_result"


class _Kind(enum.Enum):
    NOT_PLAIN = 0
    LEAF = 1
    OBJECT = 2


_NOT_PLAIN = (_Kind.NOT_PLAIN, None, None, False)


def _plain_field(field: GraphQLField) -> tuple[_Kind, Any, Any, bool]:
    """(kind, reader, named type, non-null) of a basic leaf or object field; the reader takes
    the parent object."""
    if field.args or field.resolve is None or not is_plain_attribute_resolver(field.resolve):
        return _NOT_PLAIN
    type_, non_null = field.type, False
    if isinstance(type_, GraphQLNonNull):
        type_, non_null = type_.of_type, True
    # A model column reads straight from the row (KeyError when not loaded: the path below).
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    read = definition.read_loaded if isinstance(definition, ModelColumnField) else None
    if read is None:
        resolve = field.resolve
        read = lambda source: resolve(source, None)  # noqa: E731
    if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
        return _Kind.LEAF, read, type_, non_null
    if isinstance(type_, GraphQLObjectType):
        return _Kind.OBJECT, read, type_, non_null
    return _NOT_PLAIN


def _discard(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)  # a coroutine never awaited warns when collected
    if close is not None:
        close()


class FastExecutionContext(PerEventMemoExecutor):
    # The field itself is kept with its entry: an ``id`` alone could be reused by a field of
    # another schema (tests build some) once the first is gone.
    _plain_fields: dict[int, tuple[GraphQLField, tuple[_Kind, Any, Any, bool]]] = {}

    def _plain(self, field: GraphQLField) -> tuple[_Kind, Any, Any, bool]:
        entry = self._plain_fields.get(id(field))
        if entry is None or entry[0] is not field:
            entry = self._plain_fields[id(field)] = (field, _plain_field(field))
        return entry[1]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field = None if node.arguments else parent_type.fields.get(node.name.value)
        kind, read, named_type, non_null = self._plain(field) if field is not None else _NOT_PLAIN
        if kind is _Kind.LEAF:
            try:
                value = read(source)
                if self.is_awaitable(value):
                    _discard(value)  # not loaded: graphql-core's path awaits a fresh read
                elif value is not None:
                    coerced = named_type.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
                elif not non_null:
                    return None
            except Exception:  # graphql-core's own path below reports it
                pass
        elif kind is _Kind.OBJECT:
            try:
                value = read(source)
                if self.is_awaitable(value):
                    _discard(value)  # not loaded: graphql-core's path awaits a fresh read
                    value = None
                plain_value = value is not None and self._is_type_of(named_type, value)
            except Exception:  # graphql-core's own path below reports it
                plain_value = False
            if plain_value:
                return self._complete_object(
                    named_type, field.type, field_details_list, path, value, position_context
                )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _is_type_of(self, object_type: GraphQLObjectType, value: Any) -> bool:
        """The type's own check, when it answers plainly (an async one is left to graphql-core)."""
        if not object_type.is_type_of:
            return True
        answer = object_type.is_type_of(value, None)
        if self.is_awaitable(answer):
            _discard(answer)
            return False
        return answer is True

    def _complete_object(
        self,
        object_type: GraphQLObjectType,
        return_type: Any,
        field_details_list: Any,
        path: Any,
        value: Any,
        position_context: Any,
    ) -> Any:
        """``complete_object_value`` and ``execute_field``'s error handling, as graphql-core."""
        try:
            completed = self.collect_and_execute_subfields(
                object_type, field_details_list, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()
