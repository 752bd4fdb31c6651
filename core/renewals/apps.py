from django.apps import AppConfig


class RenewalsConfig(AppConfig):
    """Migrations only (see the package's docstring)."""

    name = "core.renewals"
    label = "renewals"
    verbose_name = "Renewals (history of the application tables)"
    default_auto_field = "django.db.models.BigAutoField"
