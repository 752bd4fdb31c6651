"""A family whose permits are inside the renewal window, and whose head holds his own permit."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def household(db) -> dict:
    return factories.household()
