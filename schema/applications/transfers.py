"""GraphQL types of transfers: the ``TransferApplication`` kind, its items (one per person
moved), and the consents each party is asked for. Visibility follows
``core.applications.selectors``: the new sponsor sees its application; the current sponsor
and the holder see the consent asked of them, not the application; the person moved becomes
the new sponsor's to see once the transfer is issued."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch, Q
from strawberry import relay
from strawberry.types import Info

from core import access
from core.applications import models
from core.applications.kinds import reference
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.selectors import consents_asked_of, visible_items
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
from schema.core.types import Person, ResidencyPermit
from schema.model_types import model_type

ConsentPartyEnum = strawberry.enum(models.ConsentParty, name="ConsentParty")
ConsentDecisionEnum = strawberry.enum(models.ConsentDecision, name="ConsentDecision")


def _visible_person(info: Info, person_id: int) -> Any:
    return access.visible_people(info.context.user).filter(pk=person_id).first()


@model_type(
    models.Consent,
    name="TransferConsent",
    description="One party's consent to a person's transfer: asked of the current sponsor, "
    "the new sponsor or the holder, as the law's transfer terms say.",
)
class TransferConsent(relay.Node):
    party: ConsentPartyEnum
    decision: ConsentDecisionEnum
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    note: str

    @strawberry_django.field(
        select_related=["item__person"],
        description="Who would move (null once you may no longer see them).",
    )
    def person(self, root: models.Consent, info: Info) -> Person | None:
        return _visible_person(info, root.item.person_id)

    @strawberry_django.field(select_related=["item"])
    def from_article(self, root: models.Consent) -> int:
        return root.item.from_article

    @strawberry_django.field(select_related=["item"])
    def to_article(self, root: models.Consent) -> int:
        return root.item.article

    @strawberry_django.field(select_related=["item"])
    def months(self, root: models.Consent) -> int | None:
        return root.item.months

    @strawberry_django.field(
        select_related=["item__application__sponsor__person"],
        description="Who asks to sponsor the person: the new sponsor's name.",
    )
    def new_sponsor_name_en(self, root: models.Consent) -> str:
        return root.item.application.sponsor.display_name_en

    @strawberry_django.field(select_related=["item__application__sponsor__person"])
    def new_sponsor_name_ar(self, root: models.Consent) -> str:
        return root.item.application.sponsor.display_name_ar

    @strawberry_django.field(select_related=["item__application"])
    def application_reference(self, root: models.Consent) -> str:
        return reference(root.item.application)

    @strawberry_django.field(select_related=["item__application"])
    def application_state(self, root: models.Consent) -> ApplicationStateEnum:
        return root.item.application.state

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        user = info.context.user
        return queryset.filter(
            Q(pk__in=consents_asked_of(user).values("pk"))
            | Q(item__in=visible_items(user).values("pk"))
        )


@model_type(models.ApplicationItem, name="TransferItem")
class TransferItem(relay.Node):
    relation: RelationEnum
    months: int | None
    state: ApplicationStateEnum

    @strawberry_django.field(
        only=["person_id"],
        description="The person's global ID: the owner to upload their documents for, once "
        "submitted (their record itself is `holder`, once yours).",
    )
    def person_id(self, root: models.ApplicationItem) -> relay.GlobalID:
        return relay.GlobalID("Person", str(root.person_id))

    @strawberry_django.field(select_related=["person"])
    def civil_id(self, root: models.ApplicationItem) -> str:
        """As the new sponsor named them."""
        return root.person.civil_id

    @strawberry_django.field(select_related=["person"])
    def name_en(self, root: models.ApplicationItem) -> str:
        return root.person.name_en

    @strawberry_django.field(only=["from_article"])
    def from_article(self, root: models.ApplicationItem) -> int:
        return root.from_article

    @strawberry_django.field(only=["article"])
    def to_article(self, root: models.ApplicationItem) -> int:
        return root.article

    @strawberry_django.field(
        description="The person moved, once the new sponsor may see them (the transfer is "
        "issued); null before."
    )
    def holder(self, root: models.ApplicationItem, info: Info) -> Person | None:
        return _visible_person(info, root.person_id)

    @strawberry_django.field(
        description="The residency moved, once it is the new sponsor's; null before."
    )
    def residency(self, root: models.ApplicationItem, info: Info) -> ResidencyPermit | None:
        return access.visible_permits(info.context.user).filter(pk=root.permit_id).first()

    @strawberry_django.field(prefetch_related=["checks"])
    def checks(self, root: models.ApplicationItem) -> list[AgencyCheck]:
        return list(root.checks.all())  # an item one may see has checks one may see

    @strawberry_django.field(prefetch_related=["consents"])
    def consents(self, root: models.ApplicationItem) -> list[TransferConsent]:
        return list(root.consents.all())

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=visible_items(info.context.user).values("pk"))


# Into an attribute of its own, as the other kinds' items (two prefetches of one lookup clash).
TRANSFER_ITEMS = Prefetch(
    "items",
    queryset=models.ApplicationItem.objects.select_related("person")
    .prefetch_related("checks", "consents")
    .order_by("id"),
    to_attr="transfer_items",
)


@model_type(models.Application, name="TransferApplication", filters=ApplicationFilter)
class TransferApplication(Application):
    @strawberry_django.field(prefetch_related=[TRANSFER_ITEMS], description="One per person.")
    def items(self, root: models.Application) -> list[TransferItem]:
        return prefetched(
            root, "transfer_items", lambda: TRANSFER_ITEMS.queryset.filter(application=root)
        )

    @classmethod
    def is_type_of(cls, obj: Any, info: Info | None) -> bool:
        return isinstance(obj, models.Application) and kind_of_row(obj) == TRANSFER.name

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return with_kind(queryset.filter(kind=TRANSFER.name, pk__in=visible(info).values("pk")))


@strawberry.type
class TransferConsentQuery:
    @strawberry_django.field(
        description="The transfers you are asked to consent to: as a sponsor you act for (the "
        "current sponsor), or as the person who would move. Newest first."
    )
    def transfer_consents(self, info: Info, pending_only: bool = False) -> list[TransferConsent]:
        asked = consents_asked_of(info.context.user)
        if pending_only:
            asked = asked.filter(decision=models.ConsentDecision.PENDING)
        return list(
            asked.select_related("item__person", "item__application__sponsor__person").order_by(
                "-requested_at", "-id"
            )
        )
