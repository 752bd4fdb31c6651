from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "core.reminders"
    label = "reminders"
    verbose_name = "Reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The sweep is a periodic job of the application workers, not a cron of its own."""
        from core.applications import periodic
        from core.reminders import sweep

        periodic.register(
            periodic.Job(
                "reminders.permits_expiring",
                every=sweep.sweep_interval,
                run=sweep.reminders_sweep_job,
                lease_seconds=300,
            )
        )
