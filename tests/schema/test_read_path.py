"""The sponsor-file read: a fixed number of queries whatever the family's size, and model
fields read as plain attributes where they can be (``schema/model_types.py``), correctly."""

from __future__ import annotations

import asyncio

import pytest
from strawberry import relay
from strawberry.schema.schema_converter import GraphQLCoreConverter

from core.models import Dependent
from schema import fastpath
from schema.model_types import ModelColumnField
from schema.schema import schema
from tests import factories

pytestmark = pytest.mark.django_db

SPONSOR_FILE = """query($id: ID!) {
  sponsor(id: $id) {
    nameEn
    dependents(first: 100) { edges { node {
      relation
      person { civilId nameEn nameAr permits { article expiresOn status } }
    } } }
  }
}"""


def _sponsor_file(gql, family) -> tuple[dict, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sponsor_id = relay.to_base64("Sponsor", family["sponsor"].pk)
    gql(SPONSOR_FILE, {"id": sponsor_id})  # the session's first request may touch it
    with CaptureQueriesContext(connection) as ctx:
        result = gql(SPONSOR_FILE, {"id": sponsor_id})
    assert "errors" not in result, result
    return result["data"]["sponsor"], len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_family(gql):
    small = factories.family(children=1)
    large = factories.family(children=12)
    for extra in range(12):
        factories.permit(large["kids"][extra % 12], large["sponsor"], days_left=400 + extra)
    gql.login(small["user"])
    small_file, small_queries = _sponsor_file(gql, small)
    gql.client.logout()
    gql.login(large["user"])
    large_file, large_queries = _sponsor_file(gql, large)

    assert len(small_file["dependents"]["edges"]) == 3
    assert len(large_file["dependents"]["edges"]) == 14
    kid = next(
        e["node"] for e in large_file["dependents"]["edges"] if e["node"]["relation"] == "CHILD"
    )
    assert len(kid["person"]["permits"]) == 2
    # session + user, sponsor, dependents, people, permits: the same for 3 and 14 dependents.
    assert small_queries == large_queries <= 7


@pytest.mark.skipif(not fastpath.active(), reason="the fastpath is not applied")
def test_each_visibility_rule_is_applied_once_per_request(gql, family, monkeypatch):
    """strawberry-django plans a prefetched foreign key's subtree twice, building the permits'
    visibility filter twice, unless the fastpath's fix is in (schema/fastpath/optimizer.py)."""
    from collections import Counter

    from schema.core import types
    from schema.fastpath import optimizer

    assert optimizer._optimizer._get_hints_from_django_foreign_key is not optimizer._library_version
    calls: Counter = Counter()
    for type_ in (types.Sponsor, types.Dependent, types.Person, types.ResidencyPermit):
        original = type_.get_queryset.__func__

        def counted(cls, queryset, info, _original=original, **kwargs):
            calls[cls.__name__] += 1
            return _original(cls, queryset, info, **kwargs)

        monkeypatch.setattr(type_, "get_queryset", classmethod(counted))
    gql.login(family["user"])
    sponsor_file, _ = _sponsor_file(gql, family)
    assert len(sponsor_file["dependents"]["edges"]) == 4
    # Two requests (see _sponsor_file): each type's rule once in each.
    assert calls == {"Sponsor": 2, "Dependent": 2, "Person": 2, "ResidencyPermit": 2}


def _field(type_name: str, field_name: str):
    return (
        schema._schema.type_map[type_name]
        .fields[field_name]
        .extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    )


def test_model_columns_are_read_as_plain_attributes():
    """Strawberry reads basic fields without its resolver chain (``is_basic_field``)."""
    for type_name, field_name in [
        ("Person", "civilId"),
        ("Person", "nameAr"),
        ("Dependent", "relation"),
        ("ResidencyPermit", "expiresOn"),
        ("ResidencyPermitEdge", "node"),
        ("Dependent", "person"),  # the related row, as the optimizer loaded it
        ("ResidencyPermit", "status"),  # a property of the row's own, loaded columns
    ]:
        assert _field(type_name, field_name).is_basic_field, (type_name, field_name)
    for type_name, field_name in [
        ("Person", "permits"),  # a list with arguments: querysets, visibility, the optimizer
        ("Sponsor", "dependents"),  # a connection
        ("Person", "sponsorships"),  # a reverse relation
        ("ResidencyPermit", "articleRule"),  # a resolver
        ("Document", "contentType"),  # a resolver over a related row
    ]:
        assert not _field(type_name, field_name).is_basic_field, (type_name, field_name)


@pytest.mark.django_db(transaction=True)  # the async read runs on another thread's connection
def test_deferred_column_is_loaded_sync_and_async(family):
    field = next(
        f
        for f in schema.get_type_by_name("Person").fields
        if f.python_name == "name_ar" and isinstance(f, ModelColumnField)
    )
    assert field.read_loaded is not None
    deferred = Dependent.objects.select_related("person").only("person__id").first().person
    assert "name_ar" not in deferred.__dict__
    assert field.get_result(deferred, None, [], {}) == family["wife"].name_ar

    async def in_event_loop():
        # As in a subscription: the database must not be touched on the event loop itself.
        again = await Dependent.objects.select_related("person").only("person__id").afirst()
        result = field.get_result(again.person, None, [], {})
        return await result if asyncio.iscoroutine(result) else result

    assert asyncio.run(in_event_loop()) == family["wife"].name_ar


@pytest.mark.django_db(transaction=True)
def test_derived_status_loads_its_columns_when_deferred_sync_and_async(family):
    from core.models import ResidencyPermit

    field = next(
        f
        for f in schema.get_type_by_name("ResidencyPermit").fields
        if f.python_name == "status" and isinstance(f, ModelColumnField)
    )
    permit = family["permits"][0]
    loaded = ResidencyPermit.objects.only("id", "expires_on", "cancelled_at").get(pk=permit.pk)
    assert field.get_result(loaded, None, [], {}) == permit.status
    deferred = ResidencyPermit.objects.only("id").get(pk=permit.pk)
    assert field.get_result(deferred, None, [], {}) == permit.status

    async def in_event_loop():
        again = await ResidencyPermit.objects.only("id").aget(pk=permit.pk)
        result = field.get_result(again, None, [], {})
        assert asyncio.iscoroutine(result)  # the columns are loaded off the event loop
        return await result

    assert asyncio.run(in_event_loop()) == permit.status


@pytest.mark.django_db(transaction=True)
def test_relation_not_loaded_is_fetched_sync_and_async(family):
    field = next(
        f
        for f in schema.get_type_by_name("Dependent").fields
        if f.python_name == "person" and isinstance(f, ModelColumnField)
    )
    wife = Dependent.objects.get(person=family["wife"])
    assert field.get_result(wife, None, [], {}) == family["wife"]

    async def in_event_loop():
        again = await Dependent.objects.aget(person=family["wife"])
        result = field.get_result(again, None, [], {})
        assert asyncio.iscoroutine(result)  # loaded off the event loop
        return await result

    assert asyncio.run(in_event_loop()) == family["wife"]
