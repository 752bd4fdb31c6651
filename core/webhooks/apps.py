from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "core.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The outbox listens to the applications' events inside their transaction; the
        workers deliver it and prune it (``core.applications.periodic``)."""
        from core.applications import periodic
        from core.webhooks import delivery, outbox

        outbox.connect()
        periodic.register(
            periodic.Job(
                "webhooks.deliver",
                every=delivery.delivery_interval,
                run=delivery.webhooks_deliver_job,
                lease_seconds=120,
            )
        )
        periodic.register(
            periodic.Job(
                "webhooks.prune",
                every=lambda: delivery.PRUNE_EVERY_SECONDS,
                run=delivery.webhooks_prune_job,
            )
        )
