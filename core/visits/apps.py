from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "core.visits"
    label = "visits"
    verbose_name = "Visit permits"
    default_auto_field = "django.db.models.BigAutoField"
