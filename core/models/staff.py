"""Who acts for a company, a government body or a mission, with which scopes, and the tokens of
the HR systems they connect. What the scopes allow is ``core.access``; every change is made by
``core.services.staff`` and ``core.services.accounts`` and recorded in the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.scopes import Scope, ScopeFlags, StaffRole, implication_constraints

EVERY_SCOPE = Q(**{scope: True for scope in Scope.values})


class SponsorStaff(ScopeFlags):
    """A user acting for a sponsor: its owner (every scope) or a delegate (the scopes granted),
    who granted them and when, and who revoked them and when. A revoked row stays: it is the
    record; granting again brings it back with the new scopes."""

    sponsor = models.ForeignKey("core.Sponsor", on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsor_roles"
    )
    role = models.CharField(max_length=10, choices=StaffRole.choices, default=StaffRole.DELEGATE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(
        default=timezone.now, help_text="When the role and scopes were last set."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "sponsor staff"
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "user"], name="unique_sponsor_staff"),
            models.CheckConstraint(
                name="owner_holds_every_scope",
                condition=Q(role=StaffRole.DELEGATE) | EVERY_SCOPE,
            ),
            *implication_constraints("staff"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.sponsor} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def save(self, *args, **kwargs) -> None:
        if self.role == StaffRole.OWNER:  # an owner holds every scope, however it was saved
            self.set_scopes(Scope.values)
        super().save(*args, **kwargs)


class ApiToken(ScopeFlags):
    """A bearer token of an HR system: created by staff holding ``integrations`` for one
    sponsor, with some of their scopes, until an expiry. Only a hash of the secret is kept. What
    it may do is its scopes and its creator's, both now (``core.access.token_scopes``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Who created it; it never holds more than they do.",
    )
    sponsor = models.ForeignKey(
        "core.Sponsor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text="The one sponsor it acts for (empty only on tokens revoked when scopes came).",
    )
    grant = models.ForeignKey(
        SponsorStaff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text="The creator's place on the sponsor's staff; empty for an individual's own "
        "file. Revoked or without a scope: the token loses it too.",
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = implication_constraints("token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked, not expired, and bound to a sponsor (a token without an expiry or a
        sponsor is from before they were required, and acts for nobody)."""
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.sponsor_id is not None
            and self.expires_at is not None
            and self.expires_at > now
        )
