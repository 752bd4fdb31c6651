from django.apps import AppConfig


class RenewalsConfig(AppConfig):
    name = "core.renewals"
    label = "renewals"
    verbose_name = "Renewals"
    default_auto_field = "django.db.models.BigAutoField"
