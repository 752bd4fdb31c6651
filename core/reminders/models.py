"""One row per permit and expiry date whose sponsor was reminded: what makes a reminder go out
once, whatever the sweeps, workers and restarts (the database refuses a second)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import ResidencyPermit, Sponsor


class PermitReminder(models.Model):
    permit = models.ForeignKey(ResidencyPermit, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField(
        help_text="The expiry date reminded of: a renewal's new date "
        "is reminded of again, in its time."
    )
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.CASCADE, related_name="+", help_text="The sponsor reminded."
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "expires_on"], name="one_reminder_per_permit_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"reminder of permit {self.permit_id} expiring {self.expires_on}"
