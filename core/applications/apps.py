from django.apps import AppConfig

PRUNE_EVERY_SECONDS = 3600.0


class ApplicationsConfig(AppConfig):
    name = "core.applications"
    label = "applications"
    verbose_name = "Applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The workers' own periodic jobs: the check sweeper, pruning finished task rows and
        old answers to idempotency keys."""
        from core.applications import checks, periodic
        from core.applications.worker import sweep_interval
        from core.services.idempotency import idempotent_writes_prune_job

        periodic.register(
            periodic.Job(
                "checks.requeue_stalled",
                every=sweep_interval,
                run=checks.checks_sweep,
                lease_seconds=60,
            )
        )
        periodic.register(
            periodic.Job(
                "tasks.prune_finished",
                every=lambda: PRUNE_EVERY_SECONDS,
                run=periodic.tasks_prune_job,
            )
        )
        periodic.register(
            periodic.Job(
                "idempotency.prune",
                every=lambda: PRUNE_EVERY_SECONDS,
                run=idempotent_writes_prune_job,
            )
        )
