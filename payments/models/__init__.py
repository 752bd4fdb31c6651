"""The fee schedule (``schedule``), quotes, payments, their append-only ledger, receipts and
the reports owed to agencies.

Money is ``Decimal`` Kuwaiti dinars with three decimals (fils) everywhere: ``max_digits=10,
decimal_places=3`` columns, never floats.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.applications.kinds import ChargeKind
from core.applications.models import Application, ApplicationItem
from core.models import Person
from core.verification import generate_verification_code
from payments.models.schedule import FeeKind, FeePer, FeeRate, Household, money

__all__ = ["FeeKind", "FeePer", "FeeRate", "Household"]  # the schedule, with the rest below


def verification_code() -> str:
    """A receipt's random verification code, in the receipts package's format (16 characters
    of Crockford's base 32)."""
    return generate_verification_code()


# -- quotes -----------------------------------------------------------------------------------


class Quote(models.Model):
    """What an application costs, line by line, as given to the payer. Kept until it expires,
    whatever the schedule does meanwhile; valid only while the application is still in the
    round of awaiting payment it was issued for (``payment_round``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="quotes")
    total = money("total (KWD)")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    payment_round = models.PositiveIntegerField(
        help_text="The application's round of awaiting payment this quote prices."
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["application", "-issued_at"])]

    def __str__(self) -> str:
        return f"quote {self.pk} of {self.application_id}: KD {self.total}"

    def expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class QuoteLine(models.Model):
    """One charge for one person: a fee at a rate of the schedule, health cover, or a fine."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ApplicationItem, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=[(k.value, k.name) for k in ChargeKind])
    description_en = models.CharField(max_length=300)
    description_ar = models.CharField(max_length=300)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_amount = money("rate (KWD)", null=True, blank=True)
    rate_per = models.CharField(max_length=16, choices=FeePer.choices, blank=True)
    fee_rate = models.ForeignKey(
        FeeRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = money("amount (KWD)")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}: KD {self.amount}"


# -- payments ---------------------------------------------------------------------------------


class PaymentStatus(models.TextChoices):
    INITIATED = "initiated", "Sent to the gateway"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Not captured"
    REFUND_PENDING = "refund_pending", "To be refunded"
    REFUNDED = "refunded", "Refunded"


class Payment(models.Model):
    """One attempt to pay an application's quote through a gateway.

    The row holds the current state; every event that touched it is in ``PaymentEvent``. At
    most one payment of an application is ever *captured* (a database constraint): money taken
    for an application that was already paid, or no longer awaits payment, is refunded.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    gateway = models.CharField(max_length=16, default="knet")
    track_id = models.CharField(max_length=40, unique=True)
    amount = money("amount (KWD)")
    currency = models.CharField(max_length=3, default="KWD")
    language = models.CharField(max_length=2, default="en")
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.INITIATED
    )
    # What the gateway told us last (every field of every answer is in the ledger).
    gateway_payment_id = models.CharField("KNET payment id", max_length=40, blank=True)
    result = models.CharField(max_length=40, blank=True)
    auth_code = models.CharField(max_length=40, blank=True)
    reference = models.CharField("KNET reference", max_length=40, blank=True)
    transaction_id = models.CharField("KNET transaction id", max_length=40, blank=True)
    post_date = models.CharField(max_length=10, blank=True)
    gateway_fields = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_text = models.CharField(max_length=300, blank=True)
    refund_reason = models.CharField(max_length=300, blank=True)
    refund_amount = money("refund (KWD)", null=True, blank=True)
    refund_claimed_until = models.DateTimeField(null=True, blank=True)
    refund_attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    captured_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "idempotency_key"], name="one_payment_per_key"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="captured"),
                name="one_captured_payment_per_application",
            ),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"payment {self.track_id} KD {self.amount} ({self.status})"


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the payment ledger is append-only")

    def delete(self):
        raise PermissionError("the payment ledger is append-only")


class PaymentEvent(models.Model):
    """The append-only ledger: every event of every payment — started, each callback (accepted,
    duplicate or rejected), each inquiry and refund with every field the gateway returned, each
    change of status. Rows are never updated or deleted: refused here and, on PostgreSQL and
    SQLite, by database triggers (migration 0003)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32)
    source = models.CharField(max_length=16, blank=True)  # start, callback, inquiry, …
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16, blank=True)
    amount = money("amount (KWD)", null=True, blank=True)
    fields = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["payment", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} of payment {self.payment_id} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the payment ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the payment ledger is append-only")


class Receipt(models.Model):
    """The receipt of a captured payment: its number and the code that verifies it. Rendering
    is ``payments.receipts``'."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(max_length=32, unique=True)
    verification_code = models.CharField(
        max_length=16, unique=True, default=verification_code, editable=False
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"


class AgencyReport(models.Model):
    """What an agency must be told once an application is paid (health cover bought, fines
    paid): an outbox row, delivered by a task and retried by reconciliation until the agency
    takes it (a lease on the row: ``core.leases``)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="agency_reports")
    item = models.ForeignKey(ApplicationItem, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=12)  # "health" or "fines"
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    fine_references = models.JSONField(default=list, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    reference = models.CharField(max_length=40, help_text="Ours: the receipt number.")
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    agency_reference = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "item", "agency"], name="one_report_per_agency_and_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} report for item {self.item_id}: {self.status}"


from payments.gateways.knet_sandbox.models import KnetSandboxTransaction  # noqa: E402

__all__ = [
    "AgencyReport",
    "FeeKind",
    "FeeRate",
    "KnetSandboxTransaction",
    "Payment",
    "PaymentEvent",
    "PaymentStatus",
    "Quote",
    "QuoteLine",
    "Receipt",
    "ReportStatus",
]
