"""System checks: the KNET settings can work (``manage.py check``, every start)."""

from __future__ import annotations

from django.core import checks


def _knet_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.core.exceptions import ImproperlyConfigured

    from payments.gateways.knet.client import knet_config

    try:
        knet_config()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="payments.E001")]
    return []


def register() -> None:
    checks.register(_knet_settings, "payments")
