"""Deployment checks for the sync-only middleware (``iqama/middleware.py``).

Django's own security checks (security.W001–W003) look for its middleware by dotted path, so
they cannot see the sync-only subclasses this project installs instead and would warn that
there is no security, clickjacking or CSRF middleware. They are silenced in the settings and
replaced by these, which ask the same of the classes actually installed.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.middleware import clickjacking, csrf, security
from django.utils.module_loading import import_string

REQUIRED = {
    "iqama.W001": security.SecurityMiddleware,
    "iqama.W002": clickjacking.XFrameOptionsMiddleware,
    "iqama.W003": csrf.CsrfViewMiddleware,
}


@checks.register(checks.Tags.security, deploy=True)
def middleware_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    installed = [import_string(path) for path in settings.MIDDLEWARE]
    return [
        checks.Warning(f"No {base.__name__} (or a subclass) in MIDDLEWARE.", id=check_id)
        for check_id, base in REQUIRED.items()
        if not any(isinstance(cls, type) and issubclass(cls, base) for cls in installed)
    ]
