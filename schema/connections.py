"""Cheaper edges for a page strawberry-django resolves from a prefetch.

For a connection the optimizer prefetched (each dependent's ``permits(first: 10)``),
``DjangoListConnection.resolve_optimized_connection_by_prefetch`` builds the page from the
prefetched rows, and for every page it looks the edge class up again through the type's
definition and encodes every cursor again (``arrayconnection:<n>`` in base64). Under a page
of 50 dependents that repetition was about 3% of the request's instructions
(``bench/read_bench.py``, counted with callgrind). Here the edge class is looked up once per
connection type and cursors, which depend only on the offset, are kept (bounded); the page,
its cursors and its page info are the library's.

A subclass of the connection cannot do this: the optimizer plans the pagination window only
for ``DjangoListConnection`` itself (an identity check), so the method is replaced, and only if
it still has the signature it was written against.
"""

from __future__ import annotations

import functools
from typing import Any

from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry_django.relay import DjangoListConnection
from strawberry_django.relay.utils import resolve_edge_class

from schema.library_patches import replace

_EXPECTED_PARAMETERS = ["nodes", "info", "before", "after", "first", "last", "kwargs"]
_library_version = vars(DjangoListConnection)["resolve_optimized_connection_by_prefetch"]


@functools.cache
def _edge_class(connection: type[relay.Connection]) -> tuple[type[relay.Edge], bool]:
    """The connection's edge class, and whether it builds its edges the default way."""
    edge_class = resolve_edge_class(connection)
    resolve_edge = edge_class.resolve_edge.__func__  # type: ignore[attr-defined]
    return edge_class, resolve_edge is relay.Edge.resolve_edge.__func__  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def _cursor(prefix: str, offset: int) -> str:
    return to_base64(prefix, offset)


def resolve_optimized_connection_by_prefetch(
    cls: type[DjangoListConnection],
    nodes: Any,
    *,
    info: Any,
    before: str | None = None,
    after: str | None = None,
    first: int | None = None,
    last: int | None = None,
    **kwargs: Any,
) -> Any:
    """As the library's: raises AttributeError when the rows lack the pagination annotations,
    on which the caller resolves the queryset instead."""
    result = nodes._result_cache
    edge_class, default_edges = _edge_class(cls)
    if default_edges:
        prefix = edge_class.CURSOR_PREFIX
        edges = [
            edge_class(
                cursor=_cursor(prefix, node._strawberry_row_number - 1),
                node=cls.resolve_node(node, info=info, **kwargs),
            )
            for node in result
        ]
    else:
        edges = [
            edge_class.resolve_edge(
                cls.resolve_node(node, info=info, **kwargs),
                cursor=node._strawberry_row_number - 1,
            )
            for node in result
        ]
    return cls(
        edges=edges,
        page_info=relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=result[0]._strawberry_row_number > 1 if result else False,
            has_next_page=(
                result[-1]._strawberry_row_number < result[-1]._strawberry_total_count
                if result
                else False
            ),
        ),
    )


def install() -> bool:
    """Put it in place; False (and a warning) when the library no longer matches."""
    return replace(
        DjangoListConnection,
        "resolve_optimized_connection_by_prefetch",
        resolve_optimized_connection_by_prefetch,
        _EXPECTED_PARAMETERS,
        what="the edge cache of prefetched pages",
    )
