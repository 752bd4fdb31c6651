"""GraphQL types of applications: the ``Application`` interface every kind implements, and a
type per kind (``RenewalApplication``). Visibility follows ``core.access.visible_applications``.

What every application has — its state, sponsor, history, charges, the documents asked for —
is on the interface; what a kind adds (a renewal's items) is on its type.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import F, Prefetch, Q
from strawberry import auto, relay
from strawberry.types import Info

from core.applications import models
from core.applications.kinds import KINDS, ChargeKind, reference
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.selectors import visible_applications, visible_checks, visible_items
from core.applications.states import GONE_ITEM_STATES, State
from core.documents.access import visible_documents
from core.events import ApplicationEventKind
from core.models import Sponsor as SponsorModel
from payments.pricing import price_items
from schema.core.types import Person, ResidencyPermit, Sponsor
from schema.documents.types import Document, DocumentKindEnum
from schema.model_types import model_type

ApplicationStateEnum = strawberry.enum(State, name="ApplicationState")
AgencyEnum = strawberry.enum(models.AgencyName, name="Agency")
CheckStatusEnum = strawberry.enum(models.CheckStatus, name="CheckStatus")
ChargeKindEnum = strawberry.enum(ChargeKind, name="ChargeKind")
ApplicationEventKindEnum = strawberry.enum(ApplicationEventKind, name="ApplicationEventKind")
ApplicationKindEnum = strawberry.enum(
    enum.Enum("ApplicationKind", {name.upper(): name for name in KINDS}),
    name="ApplicationKind",
    description="The service an application is for.",
)


def visible(info: Info) -> Any:
    return visible_applications(info.context.user)


def with_kind(queryset: Any) -> Any:
    """Every application row carries its kind, whatever columns the optimizer asked for:
    which GraphQL type an application is depends on it (``is_type_of``)."""
    return queryset.annotate(application_kind=F("kind"))


def kind_of_row(obj: models.Application) -> str:
    return obj.__dict__.get("kind") or getattr(obj, "application_kind", None) or obj.kind


@strawberry_django.filter_type(models.Application)
class ApplicationFilter:
    @strawberry_django.filter_field(description="Only applications in these states.")
    def state(self, value: list[ApplicationStateEnum], prefix: str) -> Q:
        return Q(**{f"{prefix}state__in": [v.value for v in value]})

    @strawberry_django.filter_field(description="Only applications of these kinds.")
    def kind(self, value: list[ApplicationKindEnum], prefix: str) -> Q:
        return Q(**{f"{prefix}kind__in": [v.value for v in value]})


@model_type(models.AgencyCheck, name="AgencyCheck")
class AgencyCheck(relay.Node):
    agency: AgencyEnum
    status: CheckStatusEnum
    attempts: auto
    detail_en: auto
    detail_ar: auto
    amount: Decimal = strawberry_django.field(
        description="What the agency says is owed to it (unpaid fines), KWD; prices are in "
        "the application's amountLines."
    )
    updated_at: auto

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_checks(info.context.user).values("pk"))


@strawberry.type(
    description="One entry of an application's history: a state transition, a check update, "
    "an officer's review or a documents step."
)
class ApplicationEvent:
    at: dt.datetime
    sequence: int | None = strawberry.field(
        description="Its place in the application's history: 1, 2, 3, … in the order they happened."
    )
    kind: ApplicationEventKindEnum
    state: ApplicationStateEnum | None = strawberry.field(
        description="The application's state this event describes."
    )
    from_state: ApplicationStateEnum | None
    to_state: ApplicationStateEnum | None
    amount_due: Decimal | None = strawberry.field(description="The amount due then (KWD).")
    detail: strawberry.scalars.JSON

    @strawberry.field(description="The agency, for a check update.")
    def agency(self) -> AgencyEnum | None:
        value = self.detail.get("agency")
        return models.AgencyName(value) if value else None

    @strawberry.field(description="The check's status, for a check update.")
    def check_status(self) -> CheckStatusEnum | None:
        value = self.detail.get("status")
        return models.CheckStatus(value) if value else None

    @strawberry.field(description="What the agency says is owed to it, for a check update.")
    def amount(self) -> Decimal | None:
        value = self.detail.get("amount")
        return Decimal(value) if value is not None else None

    @strawberry.field
    def detail_en(self) -> str | None:
        return self.detail.get("detail_en")

    @strawberry.field
    def detail_ar(self) -> str | None:
        return self.detail.get("detail_ar")

    @classmethod
    def of(
        cls,
        *,
        at: dt.datetime,
        sequence: int | None,
        kind: str,
        state: str,
        from_state: str,
        to_state: str,
        amount_due: Decimal | None,
        detail: dict,
    ) -> ApplicationEvent:
        return cls(
            at=at,
            sequence=sequence,
            kind=ApplicationEventKind(kind),
            state=State(state) if state else None,
            from_state=State(from_state) if from_state else None,
            to_state=State(to_state) if to_state else None,
            amount_due=amount_due,
            detail=detail,
        )

    @classmethod
    def from_row(cls, row: models.ApplicationEvent) -> ApplicationEvent:
        return cls.of(
            at=row.at,
            sequence=row.sequence,
            kind=row.kind,
            state=row.state,
            from_state=row.from_state,
            to_state=row.to_state,
            amount_due=row.amount_due,
            detail=row.detail,
        )


@strawberry.type(description="One charge of an application: whose, what for, how much (KWD).")
class AmountLine:
    person: Person
    kind: ChargeKindEnum
    amount: Decimal


@model_type(models.DocumentRequest, name="DocumentRequest")
class DocumentRequest:
    kind: DocumentKindEnum
    owner: Person | None = strawberry_django.field(
        description="The person whose document is asked for; null for a company's own paper."
    )
    sponsor: Sponsor | None = strawberry_django.field(
        description="The sponsor whose own paper is asked for (a company's licence)."
    )
    reason: auto
    requested_at: auto
    fulfilled_at: auto


def sponsor_of(info: Info, sponsor_id: int) -> Any:
    """A sponsor read once per request, however many of its applications are listed."""
    cache = info.context.__dict__.setdefault("_sponsors", {})
    if sponsor_id not in cache:
        cache[sponsor_id] = SponsorModel.objects.select_related("person").get(pk=sponsor_id)
    return cache[sponsor_id]


def prefetched(root: Any, attribute: str, fallback: Any) -> list:
    """What the field's own prefetch put on the row; when no optimizer planned it (an object,
    not a queryset, was resolved), the same rows read now."""
    rows = getattr(root, attribute, None)
    return list(fallback()) if rows is None else rows


# Prefetches into attributes of their own: a kind's ``items`` field prefetches the same
# relation with the viewer's filter, and two prefetches of one lookup must not clash.
CHARGED_ITEMS = Prefetch(
    "items",
    queryset=models.ApplicationItem.objects.exclude(state__in=GONE_ITEM_STATES)
    .select_related("person", "permit", "application__sponsor__person")
    .prefetch_related("checks"),
    to_attr="charged_items",
)
ITEMS_WITH_REQUESTS = Prefetch(
    "items",
    queryset=models.ApplicationItem.objects.prefetch_related(
        Prefetch(
            "document_requests", queryset=models.DocumentRequest.objects.select_related("owner")
        )
    ),
    to_attr="items_with_requests",
)


@strawberry_django.interface(models.Application, name="Application")
class Application(relay.Node):
    kind: ApplicationKindEnum
    state: ApplicationStateEnum
    submitted_at: auto
    created_at: auto
    amount_due: auto

    @strawberry_django.field(only=["id", "created_at", "kind"])
    def reference(self, root: models.Application) -> str:
        return reference(root)

    # Read here, not planned by the optimizer: an interface field is planned once per kind of
    # application asked for, and two plans of one prefetch with the viewer's filter (a
    # sponsor's people, dependents) are not merged (they differ in the subquery object, not in
    # what it selects). One query per distinct sponsor in a request.
    @strawberry_django.field(name="sponsor", only=["sponsor_id"])
    def sponsor_record(self, root: models.Application, info: Info) -> Sponsor:
        """The sponsor of an application one may see: one acts for them, so sees them."""
        return sponsor_of(info, root.sponsor_id)

    @strawberry_django.field(prefetch_related=["history"])
    def history(self, root: models.Application) -> list[ApplicationEvent]:
        return [ApplicationEvent.from_row(row) for row in root.history.all()]

    @strawberry_django.field(
        prefetch_related=[ITEMS_WITH_REQUESTS],
        description="Documents asked of the applicant, open and met.",
    )
    def document_requests(self, root: models.Application) -> list[DocumentRequest]:
        items = prefetched(
            root,
            "items_with_requests",
            lambda: root.items.prefetch_related("document_requests__owner"),
        )
        return [request for item in items for request in item.document_requests.all()]

    @strawberry_django.field(
        prefetch_related=[CHARGED_ITEMS],
        description="The itemised charges of the people still in the application, at the "
        "schedule in force today (the quote keeps the amounts it was given).",
    )
    def amount_lines(self, root: models.Application) -> list[AmountLine]:
        items = prefetched(
            root, "charged_items", lambda: CHARGED_ITEMS.queryset.filter(application=root)
        )
        return [
            AmountLine(person=line.item.person, kind=line.kind, amount=line.amount)
            for line in price_items(items).lines
        ]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return with_kind(queryset.filter(pk__in=visible(info).values("pk")))


def _visible_document_ids(info: Info) -> set[int]:
    """Read once per request, whatever the number of items asked for."""
    context = info.context
    cached = getattr(context, "_visible_document_ids", None)
    if cached is None:
        cached = set(visible_documents(context.user).values_list("pk", flat=True))
        context._visible_document_ids = cached
    return cached


@model_type(models.ApplicationItem, name="RenewalItem")
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
    def documents(self, root: models.ApplicationItem, info: Info) -> list[Document]:
        """Only those the viewer may see: a worker watching his own renewal does not see his
        employer's papers."""
        seen = _visible_document_ids(info)
        return [use.document for use in root.document_uses.all() if use.document_id in seen]

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_items(info.context.user).values("pk"))


@model_type(models.Application, name="RenewalApplication", filters=ApplicationFilter)
class RenewalApplication(Application):
    items: list[RenewalItem] = strawberry_django.field()

    @classmethod
    def is_type_of(cls, obj: Any, info: Info | None) -> bool:
        return isinstance(obj, models.Application) and kind_of_row(obj) == RENEWAL.name

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return with_kind(queryset.filter(kind=RENEWAL.name, pk__in=visible(info).values("pk")))
