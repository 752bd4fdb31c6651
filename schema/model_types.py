"""``model_type``: ``strawberry_django.type`` whose plain fields take strawberry's fast path.

strawberry-django marks every field of a model type as needing its own resolver, so each
``civilId`` or ``expiresOn`` in a response goes through strawberry's full resolver chain: an
``Info`` object, argument conversion, the extension chain, then a lookup that ends in
``getattr``. A sponsor's file has hundreds of such fields, and that chain was a large part of
the GraphQL layer's cost on the read path (``bench/read_bench.py``).

A field with no resolver, arguments, extensions or permission classes that is a stored column,
or a forward foreign key / one-to-one, is made what strawberry calls a *basic* field: its value
is read straight from the instance (the column's value, or the related row the optimizer's
``select_related``/prefetch put there). Only when that value is not in memory (a deferred
column, a relation nothing loaded) does strawberry-django's own resolution run, which loads it
and keeps the database off the event loop under async execution. Reverse relations, files,
connections and fields with resolvers always keep strawberry-django's handling. The optimizer
reads its hints from the type definitions, not from resolvers, so it plans the same queries.

Relay nodes without a ``NodeID`` field say their id is the primary key (``resolve_id_attr``,
relay's hook): strawberry otherwise looks for one in the class's annotations on every id read.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import strawberry_django
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from strawberry import relay
from strawberry_django.fields.field import StrawberryDjangoField


class ModelColumnField(StrawberryDjangoField):
    """A strawberry-django field that is basic when it reads what the row already holds."""

    @functools.cached_property
    def read_loaded(self) -> Callable[[models.Model], Any] | None:
        """How to read the field's value from a loaded instance without touching the database
        (raising ``KeyError`` when it is not loaded), or None when it is not that simple."""
        if (
            self.base_resolver is not None
            or self.extensions
            or self.permission_classes
            or self.arguments
            or self.origin_django_type is None
        ):
            return None
        model = self.origin_django_type.model
        name = self.django_name or self.python_name
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return self._read_derived(model, name)
        if not model_field.concrete or isinstance(model_field, models.FileField):
            return None
        if model_field.many_to_one or model_field.one_to_one:
            # The related row as the optimizer's select_related or prefetch left it.
            return model_field.get_cached_value
        if model_field.is_relation:
            return None
        attname = model_field.attname
        return lambda instance: instance.__dict__[attname]

    def _read_derived(
        self, model: type[models.Model], name: str
    ) -> Callable[[models.Model], Any] | None:
        """A model property computed from the row's own columns, which the field names in its
        ``only`` hint (so the optimizer loads them): read when they are all loaded. Anything
        else (an annotation, a property reaching other rows) is left to strawberry-django."""
        prop = inspect.getattr_static(model, name, None)
        store = self.store
        if not isinstance(prop, property) or prop.fget is None or not store.only:
            return None
        if store.select_related or store.prefetch_related or store.annotate:
            return None
        try:
            columns = [model._meta.get_field(column) for column in store.only]
        except FieldDoesNotExist:
            return None  # a path into another model: not this row's own columns
        if any(not c.concrete or c.is_relation for c in columns):
            return None
        attnames = [c.attname for c in columns]
        compute = prop.fget

        def read(instance: models.Model) -> Any:
            loaded = instance.__dict__
            for attname in attnames:
                if attname not in loaded:
                    raise KeyError(attname)  # deferred: strawberry-django loads it
            return compute(instance)

        return read

    @property
    def is_basic_field(self) -> bool:
        return self.read_loaded is not None

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        read = self.read_loaded
        if read is not None and source is not None:
            try:
                return read(source)
            except KeyError:
                pass  # not loaded: strawberry-django loads it (off the event loop when async)
        return super().get_result(source, info, args, kwargs)


def model_type(model: type[models.Model], **options: Any) -> Callable[[type], type]:
    """``strawberry_django.type(model, ...)`` with ``ModelColumnField`` fields."""

    def wrap(cls: type) -> type:
        if (
            issubclass(cls, relay.Node)
            and "resolve_id_attr" not in vars(cls)
            and not _declares_node_id(cls)
        ):
            cls.resolve_id_attr = classmethod(_primary_key)  # type: ignore[attr-defined]
        return strawberry_django.type(model, field_cls=ModelColumnField, **options)(cls)

    return wrap


def _primary_key(cls: type) -> str:
    return "pk"  # what strawberry-django falls back to without a NodeID field


def _declares_node_id(cls: type) -> bool:
    for base in cls.__mro__:
        for annotation in getattr(base, "__annotations__", {}).values():
            if "NodeID" in (annotation if isinstance(annotation, str) else repr(annotation)):
                return True
    return False
