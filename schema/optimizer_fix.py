"""One fix to strawberry-django's query optimizer: plan a prefetched foreign key's subtree once.

When a foreign key points at a type with its own ``get_queryset`` (every model type here: that
is where visibility is applied), the optimizer must prefetch the related rows rather than join
them. strawberry-django 0.93 first plans everything selected below the foreign key as if it
would join (building the nested querysets, visibility filters and pagination windows), then
sees it must prefetch and plans the whole subtree again, discarding the first plan. On the
sponsor-file read (``dependents { person { permits } }``) that is one wasted pass over the
person's fields and permits connection: about 1.8 ms of CPU per request, a sixth of the
optimizer's planning (``bench/read_bench.py``; measured in one process, alternating).

The fix decides "prefetch" first and, when it applies, goes straight to the prefetch plan, the
same call strawberry-django then makes. Nothing else changes: a foreign key that can be joined
takes the library's own path. It is installed only if the library's function still has the
signature it was written against; otherwise the library is left as it is.
``tests/graphql/test_read_path.py`` checks that each type's visibility is applied once.
"""

from __future__ import annotations

from typing import Any

from strawberry_django import optimizer as _optimizer

from schema.library_patches import replace

_EXPECTED_PARAMETERS = [
    "field",
    "field_definition",
    "field_selection",
    "model_field",
    "model_fieldname",
    "schema",
    "config",
    "parent_type",
    "field_info",
    "path",
    "cache",
    "level",
]
_library_version = getattr(_optimizer, "_get_hints_from_django_foreign_key", None)


def _hints_from_foreign_key(
    field: Any,
    field_definition: Any,
    field_selection: Any,
    model_field: Any,
    model_fieldname: str,
    schema: Any,
    *,
    config: Any,
    parent_type: Any,
    field_info: Any,
    path: str,
    cache: dict,
    level: int = 0,
) -> Any:
    if not _optimizer._must_use_prefetch_related(config, field, model_field):
        return _library_version(
            field,
            field_definition,
            field_selection,
            model_field,
            model_fieldname,
            schema,
            config=config,
            parent_type=parent_type,
            field_info=field_info,
            path=path,
            cache=cache,
            level=level,
        )
    store = _optimizer._get_hints_from_django_relation(
        field,
        field_selection=field_selection,
        model_field=model_field,
        model_fieldname=model_fieldname,
        schema=schema,
        config=config,
        parent_type=parent_type,
        field_info=field_info,
        path=path,
        cache=cache,
        level=level,
    )
    store.only.append(path)
    return store


def install() -> bool:
    """Put the fix in place; False (and a warning) when the library no longer matches."""
    return replace(
        _optimizer,
        "_get_hints_from_django_foreign_key",
        _hints_from_foreign_key,
        _EXPECTED_PARAMETERS,
        requires=("_must_use_prefetch_related", "_get_hints_from_django_relation"),
        what="the optimizer's foreign-key fix",
    )
