"""No module grows past what one reader holds in mind: one over the limit is split by concern.
Migrations are written by Django and excepted."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "payments", "schema", "realtime", "iqama", "bench", "tests")
MAX_LINES = 400


def test_no_module_is_over_the_limit():
    modules = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    ]
    assert len(modules) > len(PACKAGES)
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"over {MAX_LINES} lines, split by concern: {too_long}"
