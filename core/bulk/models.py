"""A company's renewal of many workers at once: the request as accepted (``BulkRenewal``) and
each worker asked for (``BulkRenewalWorker``), with what became of them.

The job is accepted at once and worked through by the application workers
(``core.bulk.services``): the workers the preview refuses are told why; the rest are renewed
on one application, so that one KNET payment pays for all who cleared (a worker whose check an
officer must review is moved to an application of their own and holds nobody else up:
``core.applications.progress``). What became of a worker is read from their item
(``core.bulk.selectors``), never stored twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.applications.models import Application, ApplicationItem
from core.models import ApiToken, Person, Sponsor


class BulkState(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: the workers will take it up"
    SUBMITTED = "submitted", "The renewable workers are submitted"
    NOTHING_TO_RENEW = "nothing_to_renew", "Every worker was refused"


class BulkRenewal(models.Model):
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="bulk_renewals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The API token the request came through, if any.",
    )
    idempotency_key = models.CharField(max_length=64)
    fingerprint = models.CharField(
        max_length=64, help_text="The request's: the same key for another request is refused."
    )
    state = models.CharField(max_length=20, choices=BulkState.choices, default=BulkState.ACCEPTED)
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The application of the workers submitted (those split off for review have "
        "their own).",
    )
    requested = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "idempotency_key"], name="one_bulk_renewal_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"bulk renewal {self.pk} of {self.requested} for sponsor {self.sponsor_id}"


class BulkRenewalWorker(models.Model):
    """One worker asked for: by civil ID, for ``months``; refused (``problems``: code, field and
    both messages) or renewed (``item``)."""

    job = models.ForeignKey(BulkRenewal, on_delete=models.CASCADE, related_name="workers")
    position = models.PositiveIntegerField(help_text="Their place in the request.")
    civil_id = models.CharField(max_length=32)
    months = models.PositiveSmallIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    item = models.OneToOneField(
        ApplicationItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bulk_worker",
    )

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="one_bulk_worker_per_place")
        ]

    def __str__(self) -> str:
        return f"worker {self.position} ({self.civil_id}) of bulk renewal {self.job_id}"
