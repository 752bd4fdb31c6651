"""The executor's shortcut for plain fields (``schema/execution.py``) and the argument
conversion cache (``schema/argument_cache.py``): the same answers and the same errors as
strawberry and graphql-core give without them."""

from __future__ import annotations

import asyncio
import enum

import pytest
import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig

from realtime.execution import PerEventMemoExecutor
from schema import argument_cache
from schema.execution import IqamaExecutionContext, _Kind, _plain_field
from schema.schema import IqamaSchema, schema
from tests.graphql.test_read_path import SPONSOR_FILE


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
    shortcut = _run(IqamaExecutionContext, EDGE_CASES)
    plain = _run(PerEventMemoExecutor, EDGE_CASES)
    assert shortcut == plain
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

    assert asyncio.run(run(IqamaExecutionContext)) == asyncio.run(run(PerEventMemoExecutor))
    data, errors = asyncio.run(run(IqamaExecutionContext))
    assert errors is None
    assert data == {"later": {"name": "x", "nickname": "awaited", "owner": {"name": "o"}}}


@pytest.mark.django_db
def test_sponsor_file_is_the_same_with_and_without_the_shortcut(gql, family, monkeypatch):
    sponsor_id = relay.to_base64("Sponsor", family["sponsor"].pk)
    gql.login(family["user"])
    with_shortcut = gql(SPONSOR_FILE, {"id": sponsor_id})
    monkeypatch.setattr(IqamaExecutionContext, "execute_field", PerEventMemoExecutor.execute_field)
    without = gql(SPONSOR_FILE, {"id": sponsor_id})
    assert "errors" not in with_shortcut
    assert with_shortcut == without
    assert len(with_shortcut["data"]["sponsor"]["dependents"]["edges"]) == 4


def test_the_schema_uses_both():
    assert schema.execution_context_class is IqamaExecutionContext
    assert argument_cache.install()


def _permits_arguments():
    person = schema.get_type_by_name("Person")
    return next(f for f in person.fields if f.python_name == "permits").arguments


def test_argument_conversion_is_the_libraries_and_lists_are_fresh():
    arguments = _permits_arguments()
    config, registry = schema.config, schema.schema_converter.scalar_registry
    raw = {"ordering": [], "before": None, "after": "YXJyYXljb25uZWN0aW9uOjA=", "first": 10}
    library = argument_cache._library_version(raw, arguments, registry, config, None)
    first = argument_cache.convert_arguments(raw, arguments, registry, config, None)
    second = argument_cache.convert_arguments(raw, arguments, registry, config, None)
    assert first == second == library
    assert first["ordering"] is not second["ordering"]  # a resolver may change its own list
    first["ordering"].append("changed")
    assert argument_cache.convert_arguments(raw, arguments, registry, config, None) == library


def test_argument_conversion_keeps_nothing_for_input_objects():
    arguments = _permits_arguments()
    config, registry = schema.config, schema.schema_converter.scalar_registry
    raw = {"filters": {"article": [18]}, "ordering": [], "first": 10}
    before = dict(argument_cache._store)
    converted = argument_cache.convert_arguments(raw, arguments, registry, config, None)
    assert converted["filters"].article == [18]
    assert argument_cache._store == before


def test_argument_conversion_never_answers_for_another_field_or_config():
    arguments = _permits_arguments()
    registry = schema.schema_converter.scalar_registry
    raw = {"first": 10}
    argument_cache.convert_arguments(raw, arguments, registry, schema.config, None)
    other_config = StrawberryConfig(auto_camel_case=False)
    library = argument_cache._library_version(raw, arguments, registry, other_config, None)
    assert argument_cache.convert_arguments(raw, arguments, registry, other_config, None) == library
    copy = list(arguments)  # equal, but another list: its own entry, not the first one's
    assert argument_cache.convert_arguments(raw, copy, registry, schema.config, None) == library


def test_argument_store_stays_bounded(monkeypatch):
    monkeypatch.setattr(argument_cache, "_MAX_ENTRIES", 3)
    monkeypatch.setattr(argument_cache, "_store", {})
    arguments = _permits_arguments()
    config, registry = schema.config, schema.schema_converter.scalar_registry
    for first in range(10):
        argument_cache.convert_arguments({"first": first}, arguments, registry, config, None)
    assert len(argument_cache._store) <= 3


PAGES = """query($id: ID!) {
  sponsor(id: $id) {
    dependents(first: 3, after: "YXJyYXljb25uZWN0aW9uOjA=") {
      pageInfo { startCursor endCursor hasPreviousPage hasNextPage }
      edges { cursor node { person {
        permits(first: 1) {
          pageInfo { startCursor endCursor hasPreviousPage hasNextPage }
          edges { cursor node { article } }
        }
      } } }
    }
  }
}"""


@pytest.mark.django_db
def test_prefetched_pages_are_the_libraries(gql, monkeypatch):
    """Cursors, page info and edges of pages built from a prefetch (``schema/connections.py``)
    are what strawberry-django builds, with a next page in the nested connection."""
    from strawberry_django.relay import DjangoListConnection

    from schema import connections
    from tests import factories

    family = factories.family(children=3)
    for kid in family["kids"]:
        factories.permit(kid, family["sponsor"], days_left=900)
    gql.login(family["user"])
    variables = {"id": relay.to_base64("Sponsor", family["sponsor"].pk)}
    assert connections.install()
    ours = gql(PAGES, variables)
    monkeypatch.setattr(
        DjangoListConnection,
        "resolve_optimized_connection_by_prefetch",
        connections._library_version,
    )
    library = gql(PAGES, variables)
    assert "errors" not in ours
    assert ours == library
    page = ours["data"]["sponsor"]["dependents"]
    assert page["pageInfo"]["hasPreviousPage"] and page["pageInfo"]["hasNextPage"]
    kid_pages = [e["node"]["person"]["permits"] for e in page["edges"]]
    assert any(p["pageInfo"]["hasNextPage"] for p in kid_pages)


@pytest.mark.django_db
def test_arguments_are_read_once_per_operation_never_across(gql, monkeypatch):
    """``schema/execution.py`` keeps a field node's arguments for one operation: the variables
    of the next operation are its own."""
    from schema import execution
    from tests import factories

    family = factories.family(children=2)
    for kid in family["kids"]:
        factories.permit(kid, family["sponsor"], days_left=900)
    gql.login(family["user"])
    reads: list[str] = []
    library = execution._library_argument_values

    def counted(type_def, node, *args, **kwargs):
        reads.append(node.name.value)
        return library(type_def, node, *args, **kwargs)

    monkeypatch.setattr(execution, "_library_argument_values", counted)
    assert execution.install_argument_memo()
    query = """query($id: ID!, $n: Int!) { sponsor(id: $id) { dependents(first: 10) { edges {
        node { person { permits(first: $n) { edges { node { article } } } } } } } } }"""
    sponsor_id = relay.to_base64("Sponsor", family["sponsor"].pk)

    def pages(n: int) -> list[int]:
        result = gql(query, {"id": sponsor_id, "n": n})
        assert "errors" not in result, result
        edges = result["data"]["sponsor"]["dependents"]["edges"]
        return sorted(len(e["node"]["person"]["permits"]["edges"]) for e in edges)

    assert pages(1) == [1, 1, 1, 1]
    assert reads.count("permits") == 1  # one read for the four parents
    assert pages(2) == [1, 1, 2, 2]  # the kids hold two permits each
    assert reads.count("permits") == 2
    assert execution._operation_arguments.get() is None  # nothing outlives an operation
