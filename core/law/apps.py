from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "core.law"
    label = "law"
    verbose_name = "Residency law (rules as data)"
    default_auto_field = "django.db.models.BigAutoField"
