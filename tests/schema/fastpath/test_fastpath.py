"""``schema/fastpath``: applied only when on and against the pinned library versions; otherwise
the schema runs on the libraries' own code. These tests run in both of the suite's runs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from graphql import MiddlewareManager
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry_django import optimizer

from schema import fastpath
from schema.schema import schema

LOCK = Path(__file__).resolve().parents[3] / "requirements.lock"


def test_the_pins_are_the_lock_files():
    pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+)", LOCK.read_text(), re.MULTILINE))
    assert {name: pins.get(name) for name in fastpath.PINNED} == fastpath.PINNED


def test_applied_only_when_on_and_the_versions_are_the_pinned_ones(caplog):
    with caplog.at_level(logging.INFO, logger="schema.fastpath"):
        assert fastpath.decide(True, fastpath.PINNED)
        assert not caplog.records
        assert not fastpath.decide(False, fastpath.PINNED)
        assert [r.levelno for r in caplog.records] == [logging.INFO]
        newer_pin = fastpath.PINNED["strawberry-graphql"]
        newer = {**fastpath.PINNED, "strawberry-graphql": "9.9.9"}
        assert not fastpath.decide(True, newer)
        assert not fastpath.decide(True, {**fastpath.PINNED, "graphql-core": None})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert f"strawberry-graphql 9.9.9 (written for {newer_pin})" in warnings[0]
    assert "graphql-core None" in warnings[1]


def test_the_schema_runs_on_what_was_decided():
    manager = schema._get_middleware_manager([])
    hints = optimizer._get_hints_from_django_foreign_key
    if fastpath.active():
        from schema.fastpath.executor import FastExecutionContext
        from schema.fastpath.middleware import ResolverMiddleware

        assert fastpath.installed_versions() == fastpath.PINNED
        assert schema.execution_context_class is FastExecutionContext
        assert isinstance(manager, ResolverMiddleware)
        assert hints.__module__ == "schema.fastpath.optimizer"
    else:
        assert schema.execution_context_class is StrawberryGraphQLCoreExecutionContext
        assert type(manager) is MiddlewareManager
        assert hints.__module__ == "strawberry_django.optimizer"
