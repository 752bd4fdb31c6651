from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "core.bulk"
    label = "bulk"
    verbose_name = "Bulk renewals"
    default_auto_field = "django.db.models.BigAutoField"
