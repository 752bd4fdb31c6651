"""strawberry-django's query optimizer plans a prefetched foreign key's subtree once.

When a foreign key points at a type with its own ``get_queryset`` (every model type here: that
is where visibility is applied), the optimizer must prefetch the related rows rather than join
them. strawberry-django first plans everything selected below the foreign key as if it would
join (building the nested querysets and visibility filters), then sees it must prefetch and
plans the whole subtree again, discarding the first plan. On the sponsor-file read
(``dependents { person { permits } }``) that is one wasted pass over the person's fields and
permits, a sizeable share of the optimizer's planning (``bench/read_bench.py``).

The fix decides "prefetch" first and, when it applies, goes straight to the prefetch plan, the
same call strawberry-django then makes. A foreign key that can be joined takes the library's
own path. ``tests/schema/test_read_path.py`` checks that each type's visibility is applied
once per request.
"""

from __future__ import annotations

from typing import Any

from strawberry_django import optimizer as _optimizer

_library_version = _optimizer._get_hints_from_django_foreign_key


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


def install() -> None:
    """Put the fix in place of the library's function (again: a no-op)."""
    _optimizer._get_hints_from_django_foreign_key = _hints_from_foreign_key
