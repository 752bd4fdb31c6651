"""The sandbox's own record of what payers did on its page (its "bank" side)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class KnetSandboxTransaction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Payer on the page"
        CAPTURED = "CAPTURED", "Captured"
        NOT_CAPTURED = "NOT CAPTURED", "Declined"
        CANCELED = "CANCELED", "Cancelled"
        HOST_TIMEOUT = "HOST TIMEOUT", "Host timeout"

    payment_id = models.CharField(max_length=20, unique=True)
    tranportal_id = models.CharField(max_length=40)
    track_id = models.CharField(max_length=40, db_index=True)
    amount = models.DecimalField(max_digits=10, decimal_places=3)
    currency_code = models.CharField(max_length=3)
    language = models.CharField(max_length=3)
    response_url = models.URLField(max_length=500)
    error_url = models.URLField(max_length=500)
    udf = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    auth = models.CharField(max_length=10, blank=True)
    ref = models.CharField(max_length=20, blank=True)
    tran_id = models.CharField(max_length=20, blank=True)
    post_date = models.CharField(max_length=4, blank=True)
    refunded = models.DecimalField(max_digits=10, decimal_places=3, default=0)
    refunds = models.JSONField(default=list, blank=True)
    merchant_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"sandbox {self.payment_id} {self.track_id} KD {self.amount} {self.status}"
