"""Replacing a library function with ours, only while it is the one ours was written for.

The read path replaces four library internals (``schema/optimizer_fix.py``,
``schema/argument_cache.py``, ``schema/connections.py``, and graphql-core's argument reading in
``schema/execution.py``). Each replacement is put in place only if the library's function still
takes the parameters it was written against, and the helpers it calls are still there;
otherwise the library is left as it is, with a warning, and the service runs slower but right.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def replace(
    owner: Any,
    name: str,
    replacement: Callable[..., Any],
    parameters: list[str],
    *,
    requires: tuple[str, ...] = (),
    what: str,
) -> bool:
    """Put ``replacement`` in place of ``owner.name``, a module's function or a class's
    classmethod (whose parameters are counted without ``cls``). True when it is in place (also
    when it already was); False, warning that ``what`` is not applied, when the library's
    function no longer matches or a name in ``requires`` is no longer callable on ``owner``."""
    current = vars(owner).get(name)
    function = getattr(current, "__func__", current)
    if function is replacement:
        return True
    is_classmethod = isinstance(current, classmethod)
    found = list(inspect.signature(function).parameters) if callable(function) else []
    if is_classmethod:
        found = found[1:]
    if found != parameters or not all(callable(getattr(owner, r, None)) for r in requires):
        logger.warning("%s.%s changed: %s is not applied", owner.__name__, name, what)
        return False
    setattr(owner, name, classmethod(replacement) if is_classmethod else replacement)
    return True
