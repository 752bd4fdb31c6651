"""A bulk renewal's dry run: each worker as the preview answers them, writing nothing.

The workers are found on the sponsor's file by civil ID (``core.bulk``), then asked about with
the very preview a single application uses (``payments.preview``): eligible or the typed
reasons why not, and the itemised price. A worker not on the file, or named twice, is refused
before the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.bulk.services import WorkerAsked, renewable_sponsor, screened, workers_asked
from core.errors import DomainError
from payments.preview import PersonPreview, application_preview
from payments.pricing import ZERO


@dataclass
class WorkerPreview:
    position: int
    civil_id: str
    months: int
    preview: PersonPreview | None = None  # None: refused before the preview
    problems: list[DomainError] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.preview is not None and self.preview.eligible

    @property
    def subtotal(self) -> Decimal:
        return self.preview.subtotal if self.preview is not None else ZERO


def bulk_renewal_dry_run(
    *, actor: Any, sponsor_id: int | None, workers: list[WorkerAsked]
) -> list[WorkerPreview]:
    sponsor = renewable_sponsor(actor, sponsor_id)
    asked = workers_asked(workers)
    answers = [WorkerPreview(i, w.civil_id, w.months) for i, w in enumerate(asked)]
    people: dict[int, int] = {}  # by place
    for answer, screen in zip(
        answers, screened(sponsor.pk, [a.civil_id for a in answers]), strict=True
    ):
        if isinstance(screen, DomainError):
            answer.problems = [screen]
        else:
            people[answer.position] = screen
    previewed = [answer for answer in answers if answer.position in people]
    if previewed:
        preview = application_preview(
            actor=actor,
            kind=RENEWAL.name,
            sponsor_id=sponsor.pk,
            people=[PersonChoice(person_id=people[a.position], months=a.months) for a in previewed],
        )
        for answer, person in zip(previewed, preview.people, strict=True):
            answer.preview = person
            answer.problems = [_renamed(p, answer.position) for p in person.problems]
    return answers


def _renamed(error: DomainError, position: int) -> DomainError:
    """The preview's field (``people.<index>…``) as the request named it (``workers.<n>…``)."""
    parts = (error.field or "").split(".")
    rest = ".".join(parts[2:]) if parts[:1] == ["people"] else error.field or ""
    error.field = f"workers.{position}" + (f".{rest}" if rest else "")
    return error
