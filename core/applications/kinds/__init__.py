"""Kinds of application: what each service adds to the one pipeline.

A kind says which people may be on an application of its kind and what stops them (its item
rules), which agencies check each person and about whom, the charges each person's application
carries (priced by ``payments.pricing`` at the published schedule), the documents it needs (as
data, by ``document_purpose``) and what issuing does. The pipeline (``services``, ``checks``,
``progress``, payments) asks the kind and knows no kind by name. Adding a kind is a module
here and its line in ``KINDS``.
"""

from __future__ import annotations

from core.applications.kinds import renewal, transfer, visit
from core.applications.kinds.base import (
    Charge,
    ChargeKind,
    ConsentAsked,
    Durations,
    Facts,
    Found,
    Kind,
    Limit,
    PersonChoice,
    VisitorDetails,
)
from core.applications.models import Application

KINDS: dict[str, Kind] = {kind.name: kind for kind in (renewal.KIND, visit.KIND, transfer.KIND)}


def kind_of(application: Application) -> Kind:
    return KINDS[application.kind]


def reference(application: Application) -> str:
    """``RN-2026-000042``: the kind's prefix, the year and the number."""
    prefix = kind_of(application).reference_prefix
    return f"{prefix}-{application.created_at:%Y}-{application.pk:06d}"


__all__ = [
    "KINDS",
    "Charge",
    "ChargeKind",
    "ConsentAsked",
    "Durations",
    "Facts",
    "Found",
    "Kind",
    "Limit",
    "PersonChoice",
    "VisitorDetails",
    "kind_of",
    "reference",
]
