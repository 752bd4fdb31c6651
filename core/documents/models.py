"""The document archive: content-addressed blobs, and the documents people and sponsors hold.

A :class:`Blob` is stored content, keyed by its SHA-256: the same bytes uploaded twice (a
marriage certificate for both spouses, a passport copy sent again) are stored once. A
:class:`Document` is a person's document of a kind — or a sponsor's own paper (a company's
commercial licence, its authorised signatory) — with its dates, pointing at a blob. A
:class:`DocumentUse` records which documents a renewal item relies on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.documents.kinds import DocumentKind, valid_until
from core.models import Person, Sponsor


class Blob(models.Model):
    """Validated content in the documents storage, stored once per distinct content."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    content_type = models.CharField(
        max_length=40, help_text="Detected from the content, never from the file name."
    )
    storage_name = models.CharField(max_length=200)
    width = models.PositiveIntegerField(null=True, blank=True, help_text="Images: pixels.")
    height = models.PositiveIntegerField(null=True, blank=True, help_text="Images: pixels.")
    pages = models.PositiveIntegerField(null=True, blank=True, help_text="PDFs.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… {self.content_type} {self.size} B"


class Document(models.Model):
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The person whose document it is; empty for a sponsor's own paper.",
    )
    sponsor = models.ForeignKey(
        Sponsor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The sponsor whose own paper it is (a company's licence); empty for a person's.",
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="documents")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["owner", "kind"]), models.Index(fields=["sponsor", "kind"])]
        constraints = [
            # The same content for the same person (or sponsor) and kind is one document:
            # uploading it again answers the existing one.
            models.UniqueConstraint(fields=["owner", "kind", "blob"], name="one_document_per_blob"),
            models.UniqueConstraint(
                fields=["sponsor", "kind", "blob"],
                condition=Q(sponsor__isnull=False),
                name="one_sponsor_document_per_blob",
            ),
            models.CheckConstraint(
                name="document_held_by_one",
                condition=Q(owner__isnull=False, sponsor__isnull=True)
                | Q(owner__isnull=True, sponsor__isnull=False),
            ),
            models.CheckConstraint(
                name="document_expires_after_issue",
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=models.F("issued_on")),
            ),
        ]

    def __str__(self) -> str:
        whose = f"person {self.owner_id}" if self.owner_id else f"sponsor {self.sponsor_id}"
        return f"{self.kind} of {whose} ({self.blob_id})"

    @property
    def valid_until(self) -> dt.date | None:
        return valid_until(
            self.kind,
            issued_on=self.issued_on,
            expires_on=self.expires_on,
            uploaded_on=timezone.localdate(self.uploaded_at),
        )

    def is_valid_on(self, day: dt.date) -> bool:
        if self.issued_on is not None and self.issued_on > day:
            return False
        until = self.valid_until
        return until is None or until >= day


class DocumentUse(models.Model):
    """A document an application's item relies on, recorded when the application is submitted
    (``core.applications.documents``)."""

    item = models.ForeignKey(
        "applications.ApplicationItem", on_delete=models.CASCADE, related_name="document_uses"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="uses")
    whose = models.CharField(max_length=10, help_text="holder, sponsor or company")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "document"], name="one_use_per_item_document")
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} uses document {self.document_id}"
