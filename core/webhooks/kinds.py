"""The kinds of event a webhook endpoint may ask for; each is the ``type`` of its payload.

Open by design: a new kind (the bulk renewal's job events) is a value here and a call to
``core.webhooks.outbox.webhook_publish`` where it happens; stored rows keep the kind as text.
"""

from __future__ import annotations

import enum


class WebhookEventKind(enum.StrEnum):
    APPLICATION_STATE_CHANGED = "application.state_changed"
    AGENCY_CHECK_SETTLED = "application.check_settled"
    PAYMENT_CAPTURED = "payment.captured"
    APPLICATION_ISSUED = "application.issued"
    PERMIT_EXPIRY_REMINDER = "permit.expiry_reminder"
