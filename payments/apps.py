from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The pipeline's payment stage (pricing is ours), the refund listener, the checks, and
        reconciliation as a periodic job of every application worker."""
        from django.conf import settings

        from core.applications import periodic
        from core.applications.progress import use_payment_stage
        from payments import checks, signals
        from payments.quotes import QuoteStage
        from payments.reconcile import payments_reconcile_job

        use_payment_stage(QuoteStage())
        signals.connect()
        checks.register()
        periodic.register(
            periodic.Job(
                "payments.reconcile",
                every=lambda: float(settings.PAYMENTS["RECONCILE_SECONDS"]),
                run=payments_reconcile_job,
            )
        )
