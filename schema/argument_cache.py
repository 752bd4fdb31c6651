"""Convert a field's arguments once per distinct value, not once per parent object.

Before each resolver call strawberry converts the field's GraphQL arguments into Python values
(``convert_arguments``), walking every declared argument through its type checks. A nested
connection repeats that for every parent: ``permits(first: 10)`` under 50 dependents is 50
identical conversions of ``ordering``, ``before``, ``after``, ``first`` and ``last``. On the
sponsor-file read that was about 7% of the request's instructions
(``bench/read_bench.py``; counted with callgrind, which is exact where timings here are not).

The conversion of plain values (null, numbers, strings, booleans, and lists of them) into
immutable results (the same, enum members, global IDs, UNSET) depends only on the field's
declared arguments and those values, so it is kept and reused: keyed by the argument list's
identity (checked, so a reused ``id`` never matches another field) and the values. Lists are
copied on the way out, as strawberry does, so a resolver may change what it gets. Input
objects and anything else convert as before, every time. The store is small and bounded.

It is installed only if strawberry still converts arguments through the function it was
written against; otherwise strawberry is left as it is.
"""

from __future__ import annotations

import enum
import threading
from typing import Any

from strawberry.relay import GlobalID
from strawberry.schema import schema_converter as _converter
from strawberry.types.unset import UNSET

from schema.library_patches import replace

_EXPECTED_PARAMETERS = ["value", "arguments", "scalar_registry", "config", "info"]
_MAX_ENTRIES = 1024
_PLAIN = (str, int, float, bool)
_library_version = getattr(_converter, "convert_arguments", None)

_store: dict[tuple[Any, ...], tuple[Any, Any, Any, dict[str, Any]]] = {}
_store_lock = threading.Lock()
_NOT_PLAIN = object()


def _plain_key(value: Any) -> Any:
    """A hashable stand-in for a plain argument value, or ``_NOT_PLAIN``."""
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, list) and all(item is None or isinstance(item, _PLAIN) for item in value):
        return ("list", *value)
    return _NOT_PLAIN


def _immutable(value: Any) -> bool:
    if value is None or value is UNSET or isinstance(value, (*_PLAIN, enum.Enum, GlobalID)):
        return True
    return isinstance(value, list) and all(_immutable(item) for item in value)


def _belongs(hit: tuple[Any, ...], arguments: Any, config: Any, scalar_registry: Any) -> bool:
    """Whether a stored entry is this field's (its key holds ids, which can be reused)."""
    return hit[0] is arguments and hit[1] is config and hit[2] is scalar_registry


def convert_arguments(
    value: dict[str, Any],
    arguments: list[Any],
    scalar_registry: Any,
    config: Any,
    info: Any = None,
) -> dict[str, Any]:
    if not arguments:
        return {}
    parts = []
    for name, raw in value.items():
        key = _plain_key(raw)
        if key is _NOT_PLAIN:
            return _library_version(value, arguments, scalar_registry, config, info)
        parts.append((name, key))
    key = (id(arguments), id(config), id(scalar_registry), *parts)
    hit = _store.get(key)
    if hit is None or not _belongs(hit, arguments, config, scalar_registry):
        converted = _library_version(value, arguments, scalar_registry, config, info)
        if not all(_immutable(v) for v in converted.values()):
            return converted
        hit = (arguments, config, scalar_registry, converted)
        with _store_lock:
            if len(_store) >= _MAX_ENTRIES:
                _store.clear()
            _store[key] = hit
    return {name: list(v) if isinstance(v, list) else v for name, v in hit[3].items()}


def install() -> bool:
    """Put the cache in place; False (and a warning) when strawberry no longer matches."""
    return replace(
        _converter,
        "convert_arguments",
        convert_arguments,
        _EXPECTED_PARAMETERS,
        requires=("get_arguments",),
        what="the argument conversion cache",
    )
