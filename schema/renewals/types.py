"""GraphQL types of renewal applications; visibility follows the sponsor (``core.access``)."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch, Q
from strawberry import auto, relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core import access
from core.renewals import fees, models
from core.renewals.states import State
from schema.core.types import Person, ResidencyPermit, Sponsor
from schema.documents.types import Document, DocumentKindEnum
from schema.model_types import model_type

ApplicationStateEnum = strawberry.enum(State, name="ApplicationState")
AgencyEnum = strawberry.enum(models.AgencyName, name="Agency")
CheckStatusEnum = strawberry.enum(models.CheckStatus, name="CheckStatus")


def visible_applications(user: Any):
    if access.is_back_office(user):
        return models.RenewalApplication.objects.all()
    return models.RenewalApplication.objects.filter(
        sponsor__in=access.represented_sponsors(user).values("pk")
    )


@strawberry_django.filter_type(models.RenewalApplication)
class RenewalApplicationFilter:
    @strawberry_django.filter_field(description="Only applications in these states.")
    def state(self, value: list[ApplicationStateEnum], prefix: str) -> Any:
        return Q(**{f"{prefix}state__in": [v.value for v in value]})


@model_type(models.AgencyCheck, name="AgencyCheck")
class AgencyCheck(relay.Node):
    agency: AgencyEnum
    status: CheckStatusEnum
    attempts: auto
    detail_en: auto
    detail_ar: auto
    amount: auto
    updated_at: auto

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        visible = visible_applications(info.context.user).values("pk")
        return queryset.filter(item__application__in=visible)


@model_type(models.RenewalItem, name="RenewalItem")
class RenewalItem(relay.Node):
    person: Person
    permit: ResidencyPermit
    months: auto
    state: ApplicationStateEnum
    checks: list[AgencyCheck] = strawberry_django.field()

    @strawberry_django.field(
        prefetch_related=["document_uses__document__blob"],
        description="The archived documents this person's renewal uses (attached on submit).",
    )
    def documents(self, root: models.RenewalItem) -> list[Document]:
        return [use.document for use in root.document_uses.all()]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(application__in=visible_applications(info.context.user).values("pk"))


@model_type(
    models.ApplicationEvent,
    name="ApplicationEvent",
    description="One entry of an application's history: a state transition or a check update.",
)
class ApplicationEvent:
    at: auto
    kind: auto
    detail: strawberry.scalars.JSON

    @strawberry_django.field(only=["from_state"])
    def from_state(self, root: models.ApplicationEvent) -> ApplicationStateEnum | None:
        return State(root.from_state) if root.from_state else None

    @strawberry_django.field(only=["to_state"])
    def to_state(self, root: models.ApplicationEvent) -> ApplicationStateEnum | None:
        return State(root.to_state) if root.to_state else None

    @strawberry_django.field(only=["detail"], description="The agency, for a check update.")
    def agency(self, root: models.ApplicationEvent) -> AgencyEnum | None:
        value = root.detail.get("agency")
        return models.AgencyName(value) if value else None

    @strawberry_django.field(only=["detail"], description="The check's status, for a check update.")
    def check_status(self, root: models.ApplicationEvent) -> CheckStatusEnum | None:
        value = root.detail.get("status")
        return models.CheckStatus(value) if value else None

    @strawberry_django.field(only=["detail"], description="The amount a check found due (KWD).")
    def amount(self, root: models.ApplicationEvent) -> Decimal | None:
        value = root.detail.get("amount")
        return Decimal(value) if value is not None else None

    @strawberry_django.field(only=["detail"])
    def detail_en(self, root: models.ApplicationEvent) -> str | None:
        return root.detail.get("detail_en")

    @strawberry_django.field(only=["detail"])
    def detail_ar(self, root: models.ApplicationEvent) -> str | None:
        return root.detail.get("detail_ar")


@strawberry.enum(name="ChargeKind")
class ChargeKind(enum.Enum):
    HEALTH_INSURANCE = "health_insurance"
    FINES = "fines"
    RESIDENCY_FEE = "residency_fee"


@strawberry.type(description="One charge of a renewal: whose, what for, how much (KWD).")
class AmountLine:
    person: Person
    kind: ChargeKind
    amount: Decimal


@model_type(models.DocumentRequest, name="DocumentRequest")
class DocumentRequest:
    kind: DocumentKindEnum
    owner: Person
    reason: auto
    requested_at: auto
    fulfilled_at: auto


@model_type(models.RenewalApplication, name="RenewalApplication", filters=RenewalApplicationFilter)
class RenewalApplication(relay.Node):
    state: ApplicationStateEnum
    sponsor: Sponsor
    submitted_at: auto
    created_at: auto
    amount_due: auto
    items: list[RenewalItem] = strawberry_django.field()
    history: list[ApplicationEvent] = strawberry_django.field()

    # Their own prefetches, into attributes of their own: ``items`` is prefetched by its field
    # with the viewer's filter, and a second prefetch of the same lookup must not clash with it.
    @strawberry_django.field(
        prefetch_related=[
            Prefetch(
                "items",
                queryset=models.RenewalItem.objects.prefetch_related(
                    Prefetch(
                        "document_requests",
                        queryset=models.DocumentRequest.objects.select_related("owner"),
                    )
                ),
                to_attr="items_with_requests",
            )
        ],
        description="Documents asked of the applicant, open and met.",
    )
    def document_requests(self, root: models.RenewalApplication) -> list[DocumentRequest]:
        items = getattr(root, "items_with_requests", None)
        if items is None:  # not planned by the optimizer (an object, not a queryset, resolved)
            items = root.items.prefetch_related("document_requests__owner")
        return [r for item in items for r in item.document_requests.all()]

    @strawberry_django.field(only=["id", "created_at"])
    def reference(self, root: models.RenewalApplication) -> str:
        return root.reference

    @strawberry_django.field(
        prefetch_related=[
            Prefetch(
                "items",
                queryset=models.RenewalItem.objects.exclude(
                    state__in=[State.REJECTED, State.CANCELLED]
                )
                .select_related("person")
                .prefetch_related("checks"),
                to_attr="charged_items",
            )
        ],
        description="The itemised charges of the people still in the application.",
    )
    def amount_lines(self, root: models.RenewalApplication) -> list[AmountLine]:
        items = getattr(root, "charged_items", None)
        if items is None:  # not planned by the optimizer (an object, not a queryset, resolved)
            items = root.items.exclude(state__in=[State.REJECTED, State.CANCELLED])
            items = items.select_related("person").prefetch_related("checks")
        return [
            AmountLine(person=line.item.person, kind=ChargeKind(line.kind), amount=line.amount)
            for line in fees.amount_lines(items)
        ]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_applications(info.context.user).values("pk"))


@strawberry.type
class RenewalQuery:
    my_applications: DjangoListConnection[RenewalApplication] = strawberry_django.connection(
        filters=RenewalApplicationFilter,
        description="Renewal applications of the sponsors you act for, newest first.",
    )
