"""The executor's shortcut for plain fields (``schema/fastpath/executor.py``): the same answers
and the same errors as strawberry and graphql-core give without it; and each subscription event
with memos of its own (``schema/fastpath/subscriptions.py``)."""

from __future__ import annotations

import asyncio
import enum

import pytest
import strawberry
from graphql import GraphQLObjectType, parse
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema import fastpath
from schema.schema import IqamaSchema, schema
from tests.schema.test_read_path import SPONSOR_FILE

if not fastpath.active():  # then its modules are not even imported (they may not import)
    pytest.skip("the fastpath is not applied", allow_module_level=True)

from schema.fastpath.executor import (
    FastExecutionContext,
    _Kind,
    _plain_field,
    is_plain_attribute_resolver,
)
from schema.fastpath.subscriptions import PerEventMemoExecutor

LIBRARY = StrawberryGraphQLCoreExecutionContext


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"


class Broken:
    @property
    def name(self) -> str:
        raise ValueError("the attribute could not be read")


@strawberry.type
class Owner:
    name: str


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    owner: Owner
    maybe_owner: Owner | None


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        def item(**overrides: object) -> Item:
            values = {"name": "a", "nickname": None, "colour": Colour.RED}
            values |= {"owner": Owner(name="o"), "maybe_owner": Owner(name="m")}
            return Item(**(values | overrides))  # type: ignore[arg-type]

        return [
            item(),
            item(name=None),  # null for String!: the item becomes null
            item(colour="green"),  # not a Colour: the item becomes null
            item(maybe_owner=Broken()),  # the property raises: maybeOwner becomes null
            item(nickname="n", maybe_owner=None),
        ]

    @strawberry.field
    async def later(self) -> Item:
        return NotYetLoaded()  # type: ignore[return-value]


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def owners(self) -> Owner:  # type: ignore[misc]
        yield Owner(name="o")


class NotYetLoaded:
    """Like a model row whose column must be fetched: each read gives a fresh awaitable."""

    name = "x"
    colour = Colour.RED
    owner = Owner(name="o")
    maybe_owner = None

    @property
    def nickname(self) -> object:
        async def read_later() -> str:
            return "awaited"

        return read_later()


EDGE_CASES = "{ items { name nickname colour owner { name } maybeOwner { name } } }"


def _run(executor: type, query: str) -> tuple[object, list]:
    built = IqamaSchema(query=Query, execution_context_class=executor)
    result = built.execute_sync(query)
    return result.data, sorted((e.message, tuple(e.path or ())) for e in result.errors or [])


def test_plain_fields_answer_and_fail_exactly_as_graphql_core():
    """Nulls in non-null fields, values that do not coerce, attributes that raise, and null
    propagation to the nearest nullable parent: all as graphql-core reports them."""
    item_fields = IqamaSchema(query=Query)._schema.type_map["Item"].fields
    assert _plain_field(item_fields["name"])[0] is _Kind.LEAF  # the shortcut is what is tested
    assert _plain_field(item_fields["maybeOwner"])[0] is _Kind.OBJECT
    shortcut = _run(FastExecutionContext, EDGE_CASES)
    assert shortcut == _run(LIBRARY, EDGE_CASES)
    data, errors = shortcut
    assert data == {
        "items": [
            {
                "name": "a",
                "nickname": None,
                "colour": "RED",
                "owner": {"name": "o"},
                "maybeOwner": {"name": "m"},
            },
            None,
            None,
            {
                "name": "a",
                "nickname": None,
                "colour": "RED",
                "owner": {"name": "o"},
                "maybeOwner": None,
            },
            {
                "name": "a",
                "nickname": "n",
                "colour": "RED",
                "owner": {"name": "o"},
                "maybeOwner": None,
            },
        ]
    }
    assert {path for _, path in errors} == {
        ("items", 1, "name"),  # null for String!
        ("items", 2, "colour"),  # "green" is not a Colour
        ("items", 3, "maybeOwner", "name"),  # the property raised
    }


def test_a_value_still_to_be_loaded_is_awaited_not_shortcut():
    async def run(executor: type) -> tuple[object, object]:
        built = IqamaSchema(query=Query, execution_context_class=executor)
        result = await built.execute("{ later { name nickname owner { name } } }")
        return result.data, result.errors

    assert asyncio.run(run(FastExecutionContext)) == asyncio.run(run(LIBRARY))
    data, errors = asyncio.run(run(FastExecutionContext))
    assert errors is None
    assert data == {"later": {"name": "x", "nickname": "awaited", "owner": {"name": "o"}}}


@pytest.mark.django_db
def test_sponsor_file_is_the_same_with_and_without_the_shortcut(gql, family, monkeypatch):
    sponsor_id = relay.to_base64("Sponsor", family["sponsor"].pk)
    gql.login(family["user"])
    with_shortcut = gql(SPONSOR_FILE, {"id": sponsor_id})
    monkeypatch.setattr(FastExecutionContext, "execute_field", LIBRARY.execute_field)
    without = gql(SPONSOR_FILE, {"id": sponsor_id})
    assert "errors" not in with_shortcut
    assert with_shortcut == without
    assert len(with_shortcut["data"]["sponsor"]["dependents"]["edges"]) == 4


def test_the_shortcut_knows_strawberrys_resolver_of_basic_fields():
    """The shortcut recognises basic fields by the name of strawberry's resolver: each field of
    the schema is recognised exactly when strawberry made it basic."""
    assert schema.execution_context_class is FastExecutionContext
    checked = 0
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType):
            continue
        for field in type_.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if definition is None or field.resolve is None:
                continue
            assert is_plain_attribute_resolver(field.resolve) == definition.is_basic_field, field
            checked += definition.is_basic_field
    assert checked > 50


def test_each_subscription_event_has_memos_of_its_own():
    built = IqamaSchema(query=Query, subscription=Subscription)
    executor = PerEventMemoExecutor.build(built._schema, parse("subscription { owners { name } }"))
    first = executor.build_per_event_executor(Owner(name="a"))
    second = executor.build_per_event_executor(Owner(name="b"))
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields
    assert first._stream_usages is not second._stream_usages
    assert first.root_value.name == "a"
    assert issubclass(FastExecutionContext, PerEventMemoExecutor)
