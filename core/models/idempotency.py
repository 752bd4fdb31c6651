"""The first answers to writes an integrator may send again (``core.services.idempotency``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentWrite(models.Model):
    """The first answer to a write an integrator may send again: by caller (the user, and the
    API token it came through: two HR systems of one creator are two callers), operation (the
    mutation's name) and the key the client chose; ``fingerprint`` is the arguments', so the
    same key with other arguments is refused, never answered for the wrong request."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_id = models.PositiveBigIntegerField(default=0, help_text="0: signed in, no token.")
    operation = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    answer = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token_id", "operation", "key"],
                name="one_answer_per_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_write_created")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key} by user {self.user_id}"
