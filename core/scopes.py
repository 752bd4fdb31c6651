"""What staff of a sponsor may do for it: the owner holds every scope, a delegate those granted.

A scope is a field of the rows that hold scopes (``SponsorStaff`` for people, ``ApiToken`` for
the HR systems they connect), so that who may do what is answered in SQL inside the queries that
read (``core.access``). Acting implies seeing what one acts on: renewing or paying for workers
means seeing them, so a grant of ``renew`` or ``pay`` carries ``view_workers`` with it
(``closed``), and the database refuses a row that breaks that (``implication_constraints``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    VIEW_WORKERS = (
        "view_workers",
        "View workers: their people, permits, dependents, documents and applications",
    )
    RENEW = "renew", "Renew: create, submit and cancel applications, add people, upload papers"
    PAY = "pay", "Pay: start payments of applications"
    MANAGE_DELEGATES = "manage_delegates", "Manage delegates: grant and revoke staff scopes"
    INTEGRATIONS = "integrations", "Integrations: API tokens and webhooks"


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner (every scope)"
    DELEGATE = "delegate", "Delegate (the scopes granted)"


ALL_SCOPES: frozenset[str] = frozenset(Scope.values)

# A scope, and the scopes it cannot go without.
IMPLIES: dict[str, frozenset[str]] = {
    Scope.RENEW: frozenset({Scope.VIEW_WORKERS}),
    Scope.PAY: frozenset({Scope.VIEW_WORKERS}),
}


class UnknownScope(ValueError):
    pass


def closed(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes with those they imply; raises UnknownScope for a value that is none."""
    held = set()
    for scope in scopes:
        if scope not in ALL_SCOPES:
            raise UnknownScope(scope)
        held.add(str(scope))
        held |= IMPLIES.get(scope, frozenset())
    return frozenset(held)


def ordered(scopes: Iterable[str]) -> list[str]:
    """Scopes in the vocabulary's order (stable answers, readable audit entries)."""
    held = set(scopes)
    return [scope for scope in Scope.values if scope in held]


def implication_constraints(prefix: str) -> list[models.CheckConstraint]:
    """One check per implication: a row holding a scope holds what it implies."""
    return [
        models.CheckConstraint(
            name=f"{prefix}_{scope}_implies_{implied}",
            condition=Q(**{scope: False}) | Q(**{implied: True}),
        )
        for scope, implies in IMPLIES.items()
        for implied in sorted(implies)
    ]


class ScopeFlags(models.Model):
    """One column per scope (``Scope``'s values are the column names)."""

    view_workers = models.BooleanField(default=False)
    renew = models.BooleanField(default=False)
    pay = models.BooleanField(default=False)
    manage_delegates = models.BooleanField(default=False)
    integrations = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(scope for scope in Scope.values if getattr(self, scope))

    def set_scopes(self, scopes: Iterable[str]) -> None:
        held = closed(scopes)
        for scope in Scope.values:
            setattr(self, scope, scope in held)
