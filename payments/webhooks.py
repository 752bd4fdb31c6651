"""A captured payment as a webhook (``core.webhooks``), owed in the capture's transaction."""

from __future__ import annotations

from core.applications.models import Application
from core.webhooks import payloads
from core.webhooks.kinds import WebhookEventKind
from core.webhooks.outbox import webhook_publish
from payments.models import Payment, Receipt


def publish_captured(application: Application, payment: Payment, receipt: Receipt) -> None:
    webhook_publish(
        sponsor_id=application.sponsor_id,
        kind=WebhookEventKind.PAYMENT_CAPTURED,
        data=lambda: {
            "application": payloads.application_data(application),
            "payment": {
                "id": payloads.node_id("Payment", payment.pk),
                "amount": f"{payment.amount:.3f}",
                "currency": payment.currency,
                "trackId": payment.track_id,
                "receiptNumber": receipt.number,
                "capturedAt": payment.captured_at.isoformat() if payment.captured_at else None,
            },
        },
    )
