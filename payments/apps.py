from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The pipeline's payment stage (pricing is ours), the refund listener, the checks."""
        from core.applications.progress import use_payment_stage
        from payments import checks, signals
        from payments.quotes import QuoteStage

        use_payment_stage(QuoteStage())
        signals.connect()
        checks.register()
