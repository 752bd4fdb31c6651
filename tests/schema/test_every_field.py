"""Every field of every type asked for at once, from every entry point, on data that fills them.

Two sibling fields that each prefetch the same relation their own way used to fail the whole
request ("'items' lookup was already seen with a different queryset", ``data: null``): asked
one at a time every field worked. So each query here selects, for each object it reaches, all
of its fields together (connections with ``first: 2``, interfaces through every possible type),
as deep as the depth limit lets, and must answer without a single error.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.relay import to_base64

from core import households
from core.applications.models import DocumentRequest
from core.documents.services import document_upload
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.outbox import webhook_publish
from core.webhooks.services import endpoint_register, secret_rotate
from payments.models import Payment
from schema.schema import schema
from tests.payments.conftest import START, app_id
from tests.support.documents import pdf

pytestmark = pytest.mark.django_db(transaction=True)

# Field depth the operation may reach (the depth limit is 10; node/edges count).
DEPTH = 9
CORE = schema._schema


def _arguments(field) -> str | None:
    """Arguments to pass, or None when the field needs one this walk cannot invent."""
    if any(is_non_null_type(a.type) and a.default_value is None for a in field.args.values()):
        return None
    return "(first: 2)" if "first" in field.args else ""


def _leaves(type_: GraphQLObjectType) -> list[str]:
    names = ["__typename"]
    for name, field in type_.fields.items():
        if is_leaf_type(get_named_type(field.type)) and _arguments(field) is not None:
            names.append(name + _arguments(field))
    return names


def selection(type_, depth: int, seen: tuple[str, ...] = ()) -> str:
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        parts = ["__typename"] + [
            f"... on {t.name} {selection(t, depth, seen)}" for t in CORE.get_possible_types(named)
        ]
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType)
    if depth <= 1 or named.name in seen:
        return "{ " + " ".join(_leaves(named)) + " }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        args = _arguments(field)
        if args is None:
            continue
        parts.append(f"{name}{args} {selection(field.type, depth - 1, (*seen, named.name))}")
    return "{ " + " ".join(parts) + " }"


def everything(root: str, field_name: str, arguments: str = "") -> str:
    field = CORE.get_type(root).fields[field_name]
    return f"{{ {field_name}{arguments} {selection(field.type, DEPTH)} }}"


@pytest.fixture
def filled(sandbox, gql, household, application, payer):
    """An application that went all the way: checks, a document and a request for another,
    a captured payment with its receipt; and the API token of its sponsor."""
    user = household["user"]
    wife = household["wife"]
    document_upload(
        actor=user,
        owner_id=wife.pk,
        kind="passport_copy",
        file=SimpleUploadedFile("p.pdf", pdf(), "application/pdf"),
        expires_on=wife.passport_expiry,
    )
    item = application.items.get(person=wife)
    DocumentRequest.objects.create(item=item, kind="personal_photo", owner=wife, reason="blurred")
    gql.login(user)
    started = gql(START, {"id": app_id(application), "key": "every-field-1"})["data"]
    payer.press(started["startPayment"]["redirectUrl"], "approve")
    households.token(user, name="every field")
    endpoint, _ = endpoint_register(
        actor=user,
        sponsor_id=application.sponsor_id,
        url="http://127.0.0.1:9/hooks",
        event_kinds=list(WebhookEventKind),
    )
    secret_rotate(actor=user, endpoint_id=endpoint.pk, grace_hours=1)
    webhook_publish(
        sponsor_id=application.sponsor_id,
        kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
        data=lambda: {"toState": "ISSUED"},
    )
    return {"application": application, "payment": Payment.objects.get(), "wife": wife}


@pytest.fixture
def limits(monkeypatch, settings):
    # The depth limit stays; the token and cost budgets are for clients, not for this sweep.
    monkeypatch.setitem(settings.GRAPHQL_LIMITS, "MAX_TOKENS", 100_000)
    monkeypatch.setitem(settings.GRAPHQL_LIMITS, "MAX_COST", 10_000_000)


def _assert_clean(gql, query: str) -> dict:
    answer = gql(query)
    assert "errors" not in answer, (answer.get("errors"), query)
    return answer["data"]


@pytest.mark.parametrize(
    "field_name",
    [
        "me",
        "myApplications",
        "permits",
        "documents",
        "myDocuments",
        "myApiTokens",
        "webhookEndpoints",
    ],
)
def test_every_field_of_a_root_list_at_once(filled, gql, limits, field_name):
    data = _assert_clean(gql, everything("Query", field_name))
    assert data[field_name]
    if field_name == "webhookEndpoints":
        assert data[field_name][0]["deliveries"]["edges"][0]["node"]["payload"]


def test_every_field_of_payments_and_quote_at_once(filled, gql, limits):
    arguments = f'(applicationId: "{app_id(filled["application"])}")'
    payments = _assert_clean(gql, everything("Query", "applicationPayments", arguments))
    assert payments["applicationPayments"][0]["receipt"]["number"]


def test_every_field_through_node_at_once(filled, gql, limits):
    application = filled["application"]
    objects = {
        "RenewalApplication": application.pk,
        "RenewalItem": application.items.first().pk,
        "Payment": filled["payment"].pk,
        "Person": filled["wife"].pk,
        "Sponsor": application.sponsor_id,
    }
    for type_name, pk in objects.items():
        fields = selection(CORE.get_type(type_name), DEPTH - 1)
        query = f'{{ node(id: "{to_base64(type_name, pk)}") {{ ... on {type_name} {fields} }} }}'
        assert _assert_clean(gql, query)["node"], type_name


def test_the_sweep_reaches_the_fields_that_clashed():
    query = everything("Query", "myApplications")
    for name in ("items", "amountLines", "documentRequests", "history", "checks"):
        assert f" {name} " in query or f"{{ {name} " in query, name
