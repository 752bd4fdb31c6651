"""Settings of what integrators use: API tokens and their cost bucket, idempotency keys,
webhooks and permit reminders (docs/integrators.md, docs/webhooks.md). ``iqama.settings``
takes them all; they come from the environment as the rest do.
"""

from __future__ import annotations

import os

from iqama.environment import flag

# As iqama.settings reads it: http and private webhook addresses follow it.
_DEBUG = flag("DEBUG", False)

# API tokens of HR systems (docs/integrators.md): the longest life a token may be given, and
# the leaky bucket of query cost each token draws from (Shopify's model): it holds up to
# BUCKET_CAPACITY points, a request takes its requested cost before it runs (refused, THROTTLED,
# when the bucket holds less) and gives back what it did not use, and the bucket fills again at
# BUCKET_RESTORE_RATE points a second. In Redis when REDIS_URL is set (one bucket per token for
# every process), else in the process.
API_TOKENS = {
    "MAX_DAYS": int(os.environ.get("API_TOKEN_MAX_DAYS", "365")),
    "BUCKET_CAPACITY": int(os.environ.get("API_TOKEN_BUCKET_CAPACITY", "25000")),
    "BUCKET_RESTORE_RATE": float(os.environ.get("API_TOKEN_BUCKET_RESTORE_RATE", "500")),
}
# How long the first answer to an idempotency key is kept (core.services.idempotency).
IDEMPOTENCY_KEEP_HOURS = float(os.environ.get("IDEMPOTENCY_KEEP_HOURS", "24"))
# Webhooks (docs/webhooks.md): http and private addresses only where asked (the demo, the
# tests); each attempt's timeout; the backoff by attempt (then failed); the workers' job.
WEBHOOK_ALLOW_HTTP = flag("WEBHOOK_ALLOW_HTTP", _DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = flag("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", _DEBUG)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
_webhook_delays = os.environ.get("WEBHOOK_RETRY_DELAYS", "5,300,1800,7200,18000,36000,36000")
WEBHOOK_RETRY_DELAYS = [float(s) for s in _webhook_delays.split(",")]
WEBHOOK_DELIVERY_SECONDS = float(os.environ.get("WEBHOOK_DELIVERY_SECONDS", "1"))
WEBHOOK_CONCURRENCY = int(os.environ.get("WEBHOOK_CONCURRENCY", "4"))
WEBHOOK_SECRET_GRACE_HOURS = int(os.environ.get("WEBHOOK_SECRET_GRACE_HOURS", "24"))
WEBHOOK_MAX_ENDPOINTS_PER_SPONSOR = int(os.environ.get("WEBHOOK_MAX_ENDPOINTS_PER_SPONSOR", "10"))
WEBHOOK_KEEP_DAYS = float(os.environ.get("WEBHOOK_KEEP_DAYS", "30"))
# Permit reminders (core/reminders): how many days ahead, and how often the workers sweep.
PERMIT_REMINDER_DAYS = int(os.environ.get("PERMIT_REMINDER_DAYS", "30"))
PERMIT_REMINDER_SWEEP_SECONDS = float(os.environ.get("PERMIT_REMINDER_SWEEP_SECONDS", "600"))
