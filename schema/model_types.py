"""``model_type``: ``strawberry_django.type`` whose plain column fields take strawberry's fast path.

strawberry-django marks every field of a model type as needing its own resolver, so each
``civilId`` or ``expiresOn`` in a response goes through strawberry's full resolver chain: an
``Info`` object, argument conversion, the extension chain, then a lookup that ends in
``getattr``. A page of 50 dependents with their permits has some 400 such fields, and that chain
was a third of the GraphQL layer's cost on the read path (``bench/read_bench.py``).

A field that is a stored model column, with no resolver, arguments, extensions or permission
classes, is what strawberry calls a *basic* field: it is read with ``getattr`` and nothing else.
Relations, files, connections and fields with resolvers keep strawberry-django's handling
(querysets, the optimizer's hints, empty files as null). The optimizer reads its hints from
the type definitions, not from resolvers, so it plans the same queries either way.

Relay nodes also get their id attribute fixed when the type is made: strawberry otherwise
finds it on every node lookup by evaluating the class's annotations again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import strawberry_django
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from strawberry import relay
from strawberry_django.fields.field import StrawberryDjangoField


class ModelColumnField(StrawberryDjangoField):
    """A strawberry-django field that is basic when it is a plain stored column."""

    @functools.cached_property
    def column_attname(self) -> str | None:
        """The instance attribute holding the column's value, or None if not a plain column."""
        if (
            self.base_resolver is not None
            or self.is_relation
            or self.extensions
            or self.permission_classes
            or self.arguments
            or self.origin_django_type is None
        ):
            return None
        try:
            column = self.origin_django_type.model._meta.get_field(
                self.django_name or self.python_name
            )
        except FieldDoesNotExist:
            return None  # a property or annotation: strawberry-django knows how to read it
        if not column.concrete or column.is_relation or isinstance(column, models.FileField):
            return None
        return column.attname

    @property
    def is_basic_field(self) -> bool:
        return self.column_attname is not None

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        attname = self.column_attname
        if attname is not None and source is not None:
            try:
                return source.__dict__[attname]
            except KeyError:
                pass  # deferred: strawberry-django loads it (off the event loop when async)
        return super().get_result(source, info, args, kwargs)


def model_type(model: type[models.Model], **options: Any) -> Callable[[type], type]:
    """``strawberry_django.type(model, ...)`` with ``ModelColumnField`` fields."""

    def wrap(cls: type) -> type:
        made = strawberry_django.type(model, field_cls=ModelColumnField, **options)(cls)
        if issubclass(made, relay.Node) and made._id_attr is None and not _declares_node_id(made):
            made._id_attr = "pk"  # what strawberry-django falls back to without a NodeID field
        return made

    return wrap


def _declares_node_id(cls: type) -> bool:
    for base in cls.__mro__:
        for annotation in getattr(base, "__annotations__", {}).values():
            if "NodeID" in (annotation if isinstance(annotation, str) else repr(annotation)):
                return True
    return False


def is_plain_attribute_resolver(resolver: Callable[..., Any]) -> bool:
    """Whether graphql-core got strawberry's resolver of a basic field (see the module doc)."""
    return getattr(resolver, "__name__", None) == "_get_basic_result"
