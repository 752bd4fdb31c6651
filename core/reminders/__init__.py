"""Reminders: a permit's sponsor is told, once per permit and expiry date, that it expires soon
(docs/webhooks.md, "Reminders")."""
