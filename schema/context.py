"""The context every resolver gets, over HTTP and websockets alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from strawberry.django.context import StrawberryDjangoContext

from core.law.rules import Law


@dataclass
class IqamaContext(StrawberryDjangoContext):
    user: Any = field(default_factory=AnonymousUser)
    language: str = "en"
    # The HTTP request's id (core.request_id), or one per websocket connection.
    request_id: str = "-"
    ws: Any = None
    connection_params: dict[str, Any] | None = None
    _law: Law | None = None

    def law(self) -> Law:
        """The law in force today, read once per request (or per day of a websocket)."""
        if self._law is None or self._law.day != timezone.localdate():
            self._law = Law()
        return self._law


def language_from_header(value: str | None) -> str:
    """``ar`` when Arabic is preferred over English in Accept-Language, else ``en``."""
    best, best_q = "en", -1.0
    for part in (value or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower()[:2]
        if lang in ("ar", "en") and q > best_q:
            best, best_q = lang, q
    return best
