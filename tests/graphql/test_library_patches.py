"""``schema/library_patches.py``: a library function is replaced only while it still matches."""

from __future__ import annotations

import logging
import types

from schema.library_patches import replace


def _library() -> types.ModuleType:
    module = types.ModuleType("somelib")

    def read(node, variables=None):
        return "library"

    def helper():
        return None

    module.read = read
    module.helper = helper
    return module


def ours(node, variables=None):
    return "ours"


def test_a_matching_function_is_replaced_once():
    library = _library()
    assert replace(library, "read", ours, ["node", "variables"], requires=("helper",), what="x")
    assert library.read is ours
    assert replace(library, "read", ours, ["node", "variables"], what="x")  # already in place


def test_a_changed_library_is_left_alone_with_a_warning(caplog):
    library = _library()
    original = library.read
    with caplog.at_level(logging.WARNING, logger="schema.library_patches"):
        assert not replace(library, "read", ours, ["node", "variables", "extra"], what="x")
        assert not replace(
            library, "read", ours, ["node", "variables"], requires=("gone",), what="x"
        )
    assert library.read is original
    assert caplog.text.count("somelib.read changed: x is not applied") == 2


def test_a_classmethod_is_matched_without_cls_and_stays_a_classmethod():
    class Page:
        @classmethod
        def build(cls, nodes, *, info):
            return "library"

    def build(cls, nodes, *, info):
        return f"ours for {cls.__name__}"

    assert replace(Page, "build", build, ["nodes", "info"], what="x")
    assert Page.build([], info=None) == "ours for Page"
    assert replace(Page, "build", build, ["nodes", "info"], what="x")
