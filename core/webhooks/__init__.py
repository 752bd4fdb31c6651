"""Webhooks: a sponsor's endpoints, the outbox of events owed to them, signed delivery by the
workers (docs/webhooks.md)."""
