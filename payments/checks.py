"""System checks: the configured gateway can be built from the settings (``manage.py check``)."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from payments.gateway import gateway


def _gateway_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        gateway()
    except (ImproperlyConfigured, ImportError) as exc:
        return [checks.Error(str(exc), id="payments.E001")]
    return []


def register() -> None:
    checks.register(_gateway_settings, "payments")
