"""The GraphQL type of each kind of application, by the kind's name (and the types' names,
which global IDs carry)."""

from __future__ import annotations

from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.kinds.visit import KIND as VISIT
from schema.applications.transfers import TransferApplication
from schema.applications.types import RenewalApplication
from schema.applications.visits import VisitApplication

APPLICATION_TYPES: dict[str, type] = {
    RENEWAL.name: RenewalApplication,
    VISIT.name: VisitApplication,
    TRANSFER.name: TransferApplication,
}
APPLICATION_TYPE_NAMES = frozenset(kind_type.__name__ for kind_type in APPLICATION_TYPES.values())
