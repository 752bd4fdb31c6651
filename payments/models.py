"""Fees, quotes, payments, their append-only ledger, receipts and the reports owed to agencies.

Money is ``Decimal`` Kuwaiti dinars with three decimals (fils) everywhere: ``max_digits=10,
decimal_places=3`` columns, never floats.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.applications.kinds import ChargeKind
from core.applications.models import Application, ApplicationItem
from core.articles import Article, Relation
from core.models import Person
from payments.receipts.verification import generate_verification_code


def verification_code() -> str:
    """A receipt's random verification code, in the receipts package's format (16 characters
    of Crockford's base 32)."""
    return generate_verification_code()


def _money(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **kwargs)


# -- the fee schedule -------------------------------------------------------------------------


class FeeKind(models.TextChoices):
    RESIDENCY = "residency", "Residency fee"
    HEALTH_INSURANCE = "health_insurance", "Health insurance"


class FeeRate(models.Model):
    """One line of the published fee schedule: a yearly amount, from a date.

    Staff change the schedule by adding a row with a later ``effective_from`` (or by closing a
    row with ``effective_until``); quotes already given keep their amounts. A residency rate
    applies to permits under ``article``; ``relation`` and ``sponsor_article`` narrow it to
    dependents in that relation and to dependents of a sponsor who holds a residency under
    that article (empty: any). The most specific matching row wins (``payments.pricing``).
    """

    kind = models.CharField(max_length=20, choices=FeeKind.choices)
    article = models.PositiveSmallIntegerField(choices=Article.choices, null=True, blank=True)
    relation = models.CharField(
        "person type",
        max_length=20,
        choices=Relation.choices,
        blank=True,
        help_text="For dependents: their relation to the sponsor. Empty: anyone.",
    )
    sponsor_article = models.PositiveSmallIntegerField(
        "sponsor's article",
        choices=Article.choices,
        null=True,
        blank=True,
        help_text="For dependents: the article of the sponsor's own residency. Empty: any.",
    )
    annual_amount = _money("amount per year (KWD)")
    effective_from = models.DateField()
    effective_until = models.DateField(
        null=True, blank=True, help_text="The first day the rate no longer applies."
    )
    legal_basis = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "article", "relation", "sponsor_article", "-effective_from"]
        constraints = [
            models.CheckConstraint(name="fee_rate_not_negative", condition=Q(annual_amount__gte=0)),
            models.CheckConstraint(
                name="fee_rate_period",
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gt=models.F("effective_from")),
            ),
            models.CheckConstraint(
                name="fee_rate_kind_fields",
                condition=Q(kind=FeeKind.RESIDENCY, article__isnull=False)
                | Q(
                    kind=FeeKind.HEALTH_INSURANCE,
                    article__isnull=True,
                    relation="",
                    sponsor_article__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        who = f"Art. {self.article}" if self.article else "everyone"
        if self.relation:
            who += f" {self.relation}"
        if self.sponsor_article:
            who += f" of an Art. {self.sponsor_article} sponsor"
        amount = f"KD {self.annual_amount}/year"
        return f"{self.get_kind_display()} {who}: {amount} from {self.effective_from}"

    def clean(self) -> None:
        if self.kind == FeeKind.RESIDENCY and self.article is None:
            raise ValidationError({"article": "A residency fee applies to an article."})
        if self.kind == FeeKind.HEALTH_INSURANCE and (
            self.article or self.relation or self.sponsor_article
        ):
            raise ValidationError("The health-insurance fee applies to everyone alike.")
        if self.annual_amount is not None and self.annual_amount.as_tuple().exponent < -3:
            raise ValidationError({"annual_amount": "At most three decimals (fils)."})


# -- quotes -----------------------------------------------------------------------------------


class Quote(models.Model):
    """What an application costs, line by line, as given to the payer. Kept until it expires,
    whatever the schedule does meanwhile; valid only while the application is still in the
    round of awaiting payment it was issued for (``payment_round``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="quotes")
    total = _money("total (KWD)")
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
    """One charge for one person: the residency fee, health cover or the fines."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ApplicationItem, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=[(k.value, k.name) for k in ChargeKind])
    description_en = models.CharField(max_length=300)
    description_ar = models.CharField(max_length=300)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    annual_rate = _money("rate per year (KWD)", null=True, blank=True)
    fee_rate = models.ForeignKey(
        FeeRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = _money("amount (KWD)")
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
    amount = _money("amount (KWD)")
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
    refund_amount = _money("refund (KWD)", null=True, blank=True)
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
    amount = _money("amount (KWD)", null=True, blank=True)
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
