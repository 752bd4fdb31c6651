from django.apps import AppConfig


class IqamaConfig(AppConfig):
    """The project itself: its system checks (``iqama/checks.py``)."""

    name = "iqama"

    def ready(self) -> None:
        from iqama import checks  # noqa: F401 — registers the checks
