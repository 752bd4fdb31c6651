"""The back office reads endpoints, deliveries and reminders, and never a secret."""

from __future__ import annotations

import pytest
from django.test import Client

from core.reminders.sweep import reminders_send
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.outbox import webhook_publish
from tests import factories
from tests.core.webhooks.conftest import register

pytestmark = pytest.mark.django_db


def test_the_back_office_reads_webhooks_and_reminders_but_no_secret(household, receiver):
    endpoint, secret = register(household, receiver)
    message = webhook_publish(
        sponsor_id=household["sponsor"].pk,
        kind=WebhookEventKind.APPLICATION_STATE_CHANGED,
        data=dict,
    )
    assert reminders_send() == 1
    client = Client()
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    for url in [
        "/admin/webhooks/webhookendpoint/",
        f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
        "/admin/webhooks/webhookdelivery/",
        f"/admin/webhooks/webhookdelivery/{message.deliveries.get().pk}/change/",
        "/admin/reminders/permitreminder/",
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        assert secret not in body and secret.removeprefix("whsec_") not in body
        assert "sealed" not in body
