"""A visit permit: a visitor from abroad (a ``Person`` with no civil ID) may stay with their host
(an individual sponsor) between two dates. Issued from a paid visit application's item."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.articles import Relation
from core.models import Person, Sponsor
from core.verification import generate_verification_code


class VisitPermit(models.Model):
    visitor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visit_permits")
    host = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="visit_permits")
    relation = models.CharField(max_length=20, choices=Relation.choices)
    item = models.OneToOneField(
        "applications.ApplicationItem", on_delete=models.PROTECT, related_name="visit_permit"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="The last day of the stay allowed.")
    issued_at = models.DateTimeField()
    verification_code = models.CharField(
        max_length=16, unique=True, default=generate_verification_code, editable=False
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="visit_ends_after_it_starts",
                condition=Q(valid_until__gt=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return f"Visit permit {self.number} of {self.visitor_id}"

    @property
    def number(self) -> str:
        """``VP-2026-000042``: the year issued and the number."""
        return f"VP-{self.issued_at:%Y}-{self.pk:06d}"
