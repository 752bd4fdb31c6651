"""Webhooks through GraphQL: a sponsor registers, lists, changes, rotates, redelivers and
deletes its endpoints; the secret is shown once; errors are typed and bilingual; and another
sponsor (or nobody signed in) can do none of it, nor learn that anything exists."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.webhooks import payloads
from core.webhooks.delivery import delivery_attempt
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookSecret
from core.webhooks.outbox import webhook_publish
from schema.applications.kinds import APPLICATION_TYPES
from tests import factories
from tests.support.webhooks import webhook_receiver

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message messageEn messageAr }"
ENDPOINT = (
    "endpoint { id url description enabled eventKinds sponsor { id } "
    "signingSecrets { createdAt expiresAt } }"
)
CREATE = f"""mutation($sponsor: ID!, $url: String!, $kinds: [WebhookEventKind!]!) {{
  createWebhookEndpoint(sponsorId: $sponsor, url: $url, eventKinds: $kinds,
    description: "HR system") {{ secret {ENDPOINT} {ERRORS} }} }}"""
UPDATE = f"""mutation($id: ID!, $url: String, $enabled: Boolean) {{
  updateWebhookEndpoint(endpointId: $id, url: $url, enabled: $enabled) {{
    {ENDPOINT} {ERRORS} }} }}"""
ROTATE = f"""mutation($id: ID!, $grace: Int) {{
  rotateWebhookSecret(endpointId: $id, graceHours: $grace) {{ secret {ENDPOINT} {ERRORS} }} }}"""
DELETE = (
    f"""mutation($id: ID!) {{ deleteWebhookEndpoint(endpointId: $id) {{ deletedId {ERRORS} }} }}"""
)
REDELIVER = f"""mutation($id: ID!) {{
  redeliverWebhook(deliveryId: $id) {{ delivery {{ id status attempts }} {ERRORS} }} }}"""
LIST = """query($sponsor: ID) { webhookEndpoints(sponsorId: $sponsor) { id url
  deliveries(first: 10, filters: {status: DELIVERED}) { totalCount edges { node {
    id status attempts lastResponseCode lastError nextAttemptAt deliveredAt eventKind
    messageId payload } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
KINDS = ["APPLICATION_STATE_CHANGED", "PERMIT_EXPIRY_REMINDER"]


def sponsor_id(h) -> str:
    return to_base64("Sponsor", h["sponsor"].pk)


def create(gql, h, url="http://127.0.0.1:9/hooks", kinds=KINDS) -> dict:
    return gql(CREATE, {"sponsor": sponsor_id(h), "url": url, "kinds": kinds})["data"][
        "createWebhookEndpoint"
    ]


@pytest.fixture
def registered(gql, household):
    gql.login(household["user"])
    made = create(gql, household)
    assert made["errors"] == [], made
    return made


def test_a_sponsor_registers_an_endpoint_and_sees_its_secret_once(gql, household, registered):
    assert registered["secret"].startswith("whsec_")
    endpoint = registered["endpoint"]
    assert endpoint["eventKinds"] == KINDS and endpoint["enabled"] is True
    assert endpoint["sponsor"]["id"] == sponsor_id(household)
    assert [s["expiresAt"] for s in endpoint["signingSecrets"]] == [None]
    listed = gql(LIST, {"sponsor": sponsor_id(household)})["data"]["webhookEndpoints"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert registered["secret"] not in str(gql(LIST)) and "whsec_" not in str(gql(LIST))

    rotated = gql(ROTATE, {"id": endpoint["id"], "grace": 1})["data"]["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != registered["secret"]
    expiries = [s["expiresAt"] for s in rotated["endpoint"]["signingSecrets"]]
    assert expiries[0] is None and expiries[1] is not None  # the old one, in its grace


def test_mistakes_are_typed_and_bilingual(gql, household, registered, settings):
    made = create(gql, household, kinds=[])
    assert [e["code"] for e in made["errors"]] == ["EVENT_KINDS_REQUIRED"]
    made = create(gql, household)
    assert [(e["field"], e["code"]) for e in made["errors"]] == [("url", "ENDPOINT_EXISTS")]
    settings.WEBHOOK_MAX_ENDPOINTS_PER_SPONSOR = 1
    made = create(gql, household, url="http://127.0.0.1:9/second")
    assert made["errors"][0]["code"] == "TOO_MANY_ENDPOINTS"
    assert made["errors"][0]["messageEn"] == "A sponsor has at most 1 webhook endpoints."
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    made = create(gql, household, url="http://hooks.example.com/in", kinds=[])
    assert {e["code"] for e in made["errors"]} == {"HTTPS_REQUIRED", "EVENT_KINDS_REQUIRED"}
    made = create(gql, household, url="https://127.0.0.1/in")
    (error,) = made["errors"]
    assert error["code"] == "ADDRESS_NOT_ALLOWED" and made["endpoint"] is None
    assert "loopback" in error["messageEn"] and "محلي" in error["messageAr"]
    gql.language = "ar"
    made = create(gql, household, url="https://user:pw@hooks.example.com/in")
    assert made["errors"][0]["message"] == made["errors"][0]["messageAr"]
    rotated = gql(ROTATE, {"id": registered["endpoint"]["id"], "grace": 1000})
    assert rotated["data"]["rotateWebhookSecret"]["errors"][0]["code"] == "INVALID_GRACE"
    assert WebhookEndpoint.objects.count() == 1


def test_deliveries_are_listed_and_redelivered(gql, household, registered):
    with webhook_receiver(registered["secret"]) as receiver:
        gql(UPDATE, {"id": registered["endpoint"]["id"], "url": receiver.url})
        message = webhook_publish(
            sponsor_id=household["sponsor"].pk,
            kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
            data=lambda: {"toState": "CHECKING"},
        )
        delivery = message.deliveries.get()
        delivery_attempt(delivery.pk)
        (listed,) = gql(LIST)["data"]["webhookEndpoints"]
        (edge,) = listed["deliveries"]["edges"]
        node = edge["node"]
        assert node["status"] == "DELIVERED" and node["lastResponseCode"] == 204
        assert node["eventKind"] == "APPLICATION_STATE_CHANGED" and node["nextAttemptAt"] is None
        assert node["messageId"] == message.message_id
        assert node["payload"]["data"] == {"toState": "CHECKING"}

        again = gql(REDELIVER, {"id": node["id"]})["data"]["redeliverWebhook"]
        assert again["errors"] == [] and again["delivery"]["status"] == "PENDING"
        delivery_attempt(delivery.pk)
        assert [r.headers["webhook-id"] for r in receiver.wait_for(2)] == [message.message_id] * 2


def test_the_endpoint_can_be_disabled_and_deleted(gql, household, registered):
    endpoint_id = registered["endpoint"]["id"]
    disabled = gql(UPDATE, {"id": endpoint_id, "enabled": False})["data"]
    assert disabled["updateWebhookEndpoint"]["endpoint"]["enabled"] is False
    deleted = gql(DELETE, {"id": endpoint_id})["data"]["deleteWebhookEndpoint"]
    assert deleted == {"deletedId": endpoint_id, "errors": []}
    assert not WebhookEndpoint.objects.exists() and not WebhookSecret.objects.exists()


@pytest.mark.parametrize("outsider", ["other sponsor", "company HR", "anonymous"])
def test_another_sponsor_can_do_nothing_with_an_endpoint_and_learns_nothing(
    gql, household, registered, other_family, outsider
):
    endpoint = WebhookEndpoint.objects.get()
    message = webhook_publish(
        sponsor_id=household["sponsor"].pk,
        kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
        data=dict,
    )
    delivery = message.deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    endpoint_id = registered["endpoint"]["id"]
    delivery_id = to_base64("WebhookDelivery", delivery.pk)
    gql.client.logout()
    if outsider == "other sponsor":
        gql.login(other_family["user"])
    elif outsider == "company HR":
        _, (hr,) = factories.company("Prying Co")
        gql.login(hr)

    def not_found(payload: dict) -> None:
        assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"], payload

    made = create(gql, household, url="http://127.0.0.1:9/theirs")
    not_found(made)
    assert made["secret"] is None
    assert gql(LIST, {"sponsor": sponsor_id(household)})["data"]["webhookEndpoints"] == []
    assert gql(LIST)["data"]["webhookEndpoints"] == []
    for gid in (endpoint_id, delivery_id):
        assert gql(NODE, {"id": gid})["data"]["node"] is None
    not_found(
        gql(UPDATE, {"id": endpoint_id, "url": "http://127.0.0.1:9/x", "enabled": False})["data"][
            "updateWebhookEndpoint"
        ]
    )
    rotated = gql(ROTATE, {"id": endpoint_id})["data"]["rotateWebhookSecret"]
    not_found(rotated)
    assert rotated["secret"] is None
    not_found(gql(REDELIVER, {"id": delivery_id})["data"]["redeliverWebhook"])
    not_found(gql(DELETE, {"id": endpoint_id})["data"]["deleteWebhookEndpoint"])
    # Missing and forbidden answer alike.
    missing = to_base64("WebhookEndpoint", 10**9)
    assert gql(ROTATE, {"id": missing}) == gql(ROTATE, {"id": endpoint_id})

    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.enabled) == ("http://127.0.0.1:9/hooks", True)
    assert WebhookEndpoint.objects.count() == 1 and endpoint.secrets.count() == 1
    assert WebhookDelivery.objects.get().status == "failed"


def test_payload_ids_are_the_apis_global_ids():
    for kind, type_ in APPLICATION_TYPES.items():
        assert payloads.APPLICATION_NODE_TYPES[kind] == type_.__name__
    assert payloads.node_id("Sponsor", 42) == to_base64("Sponsor", 42)
