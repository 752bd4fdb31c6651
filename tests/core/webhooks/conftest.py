"""Webhook tests: a receiver that verifies what it gets (``tests/support/webhooks.py``) and an
endpoint of the household's sponsor pointed at it, asking for every kind of event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.webhooks.kinds import WebhookEventKind
from core.webhooks.services import endpoint_register
from tests.support.webhooks import WebhookReceiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as running:
        yield running


def register(h: dict, receiver: WebhookReceiver, kinds=tuple(WebhookEventKind)):
    """An endpoint of the household's sponsor at the receiver, which learns its secret."""
    endpoint, secret = endpoint_register(
        actor=h["user"], sponsor_id=h["sponsor"].pk, url=receiver.url, event_kinds=kinds
    )
    receiver.secrets.append(secret)
    return endpoint, secret


@pytest.fixture
def endpoint(household, receiver):
    return register(household, receiver)[0]
