"""GraphQL types of family visits: the ``VisitApplication`` kind, its items (one per visitor)
and the ``VisitPermit`` issuing gives. Visibility follows the host's file
(``core.visits.selectors``, ``core.applications.selectors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.types import Info

from core.applications import models
from core.applications.kinds.visit import KIND as VISIT
from core.applications.selectors import visible_items
from core.visits import models as visit_models
from core.visits.selectors import visible_visit_permits
from payments import visit_permits
from schema.applications.types import (
    AgencyCheck,
    Application,
    ApplicationFilter,
    ApplicationStateEnum,
    kind_of_row,
    prefetched,
    visible,
    with_kind,
)
from schema.core.enums import RelationEnum
from schema.core.types import Person, Sponsor
from schema.model_types import model_type

VisitPermitStatusEnum = strawberry.enum(visit_permits.PermitStatus, name="VisitPermitStatus")


@model_type(
    visit_models.VisitPermit,
    name="VisitPermit",
    description="A visitor may stay with their host between two dates.",
)
class VisitPermit(relay.Node):
    visitor: Person
    host: Sponsor
    relation: RelationEnum
    valid_from: auto
    valid_until: auto = strawberry_django.field(description="The last day of the stay allowed.")
    issued_at: auto
    cancelled_at: auto

    @strawberry_django.field(only=["id", "issued_at"])
    def number(self, root: visit_models.VisitPermit) -> str:
        return root.number

    @strawberry_django.field(only=["valid_from", "valid_until", "cancelled_at"])
    def status(self, root: visit_models.VisitPermit) -> VisitPermitStatusEnum:
        return visit_permits.status_of(root)

    @strawberry_django.field(
        only=["id"],
        description="A link to the bilingual PDF, valid a few minutes (sign in to get one).",
    )
    def download_url(self, root: visit_models.VisitPermit, info: Info) -> str:
        path = visit_permits.download_path(root.pk)
        request = getattr(info.context, "request", None)
        if request is not None and hasattr(request, "build_absolute_uri"):
            return request.build_absolute_uri(path)
        return path

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_visit_permits(info.context.user).values("pk"))


@model_type(models.ApplicationItem, name="VisitItem")
class VisitItem(relay.Node):
    @strawberry_django.field(select_related=["person"])
    def visitor(self, root: models.ApplicationItem) -> Person:
        """The visitor of an item one may see is one the host applied for: visible too."""
        return root.person

    relation: RelationEnum
    months: auto
    state: ApplicationStateEnum

    @strawberry_django.field(
        prefetch_related=["checks"],
        description="The checks on the host (fines, courts), for this visit.",
    )
    def checks(self, root: models.ApplicationItem) -> list[AgencyCheck]:
        return list(root.checks.all())  # an item one may see has checks one may see

    @strawberry_django.field(
        select_related=["visit_permit"], description="Once issued: the visit permit."
    )
    def visit_permit(self, root: models.ApplicationItem, info: Info) -> VisitPermit | None:
        permit = getattr(root, "visit_permit", None)
        if permit is None:
            return None
        return visible_visit_permits(info.context.user).filter(pk=permit.pk).first()

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_items(info.context.user).values("pk"))


# Into an attribute of its own: another kind's ``items`` prefetches the same relation its own
# way when both are asked for (``... on RenewalApplication`` next to ``... on VisitApplication``).
VISIT_ITEMS = Prefetch(
    "items",
    queryset=models.ApplicationItem.objects.select_related("person", "visit_permit")
    .prefetch_related("checks")
    .order_by("id"),
    to_attr="visit_items",
)


@model_type(models.Application, name="VisitApplication", filters=ApplicationFilter)
class VisitApplication(Application):
    @strawberry_django.field(prefetch_related=[VISIT_ITEMS], description="One per visitor.")
    def items(self, root: models.Application) -> list[VisitItem]:
        return prefetched(
            root, "visit_items", lambda: VISIT_ITEMS.queryset.filter(application=root)
        )

    @classmethod
    def is_type_of(cls, obj: Any, info: Info | None) -> bool:
        return isinstance(obj, models.Application) and kind_of_row(obj) == VISIT.name

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return with_kind(queryset.filter(kind=VISIT.name, pk__in=visible(info).values("pk")))


@strawberry.type(description="What anyone holding a visit permit's code may learn: no names.")
class VisitPermitCheck:
    number: str
    status: VisitPermitStatusEnum
    valid_from: dt.date
    valid_until: dt.date
    issued_at: dt.datetime
    nationality: str
    passport_ends_with: str


@strawberry.type
class VisitPermitQuery:
    @strawberry_django.field(description="The visit permits of the files you act for.")
    def my_visit_permits(self, info: Info) -> list[VisitPermit]:
        return list(
            visible_visit_permits(info.context.user).select_related("visitor", "host__person")
        )

    @strawberry_django.field(
        description="Check a visit permit by the code printed on it (or its QR link): public."
    )
    def verify_visit_permit(self, code: str) -> VisitPermitCheck | None:
        permit = visit_permits.permit_by_code(code)
        if permit is None:
            return None
        check = visit_permits.public_check(permit)
        return VisitPermitCheck(**check.__dict__)
