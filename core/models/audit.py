"""The audit log: who acted (a user, through a token or not) for which sponsor, what they did and
on what. Append-only: written by the services in the transaction of the action
(``core.services.audit``), never changed or deleted through the ORM, read-only in the admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    SPONSOR_REGISTERED = "sponsor_registered", "Sponsor registered"
    DELEGATE_GRANTED = "delegate_granted", "Delegate granted scopes"
    DELEGATE_REVOKED = "delegate_revoked", "Delegate revoked"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    DEPENDENT_ADDED = "dependent_added", "Person put on the file"
    DEPENDENT_RELEASED = "dependent_released", "Person taken off the file"
    DOCUMENT_UPLOADED = "document_uploaded", "Sponsor's document uploaded"
    APPLICATION_CREATED = "application_created", "Application created"
    APPLICATION_SUBMITTED = "application_submitted", "Application submitted"
    APPLICATION_CANCELLED = "application_cancelled", "Application cancelled"
    CONSENT_DECIDED = "consent_decided", "Consent given or refused"
    PAYMENT_STARTED = "payment_started", "Payment started"
    BULK_RENEWAL_ACCEPTED = "bulk_renewal_accepted", "Bulk renewal accepted"


class AppendOnly(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the audit log is append-only")

    def delete(self):
        raise TypeError("the audit log is append-only")


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    sponsor = models.ForeignKey(
        "core.Sponsor", on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the service itself (a worker), or a user deleted since.",
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="As it was then.")
    token = models.ForeignKey(
        "core.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_prefix = models.CharField(max_length=12, blank=True)
    back_office = models.BooleanField(default=False, help_text="An officer acted.")
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["sponsor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the audit log is append-only")
