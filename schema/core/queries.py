"""Read side of the residency domain."""

from __future__ import annotations

from typing import Any

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core import access, models
from core.civil_id import normalize_digits
from schema.core.filters import PermitFilter, PermitOrder
from schema.core.types import Person, ResidencyPermit, Sponsor


@strawberry.type(description="The signed-in user: who they are and whom they act for.")
class Me:
    username: str
    is_back_office: bool

    @strawberry_django.field(description="The person behind the account, if any.")
    def person(self, info: Info) -> Person | None:
        return models.Person.objects.filter(user_id=info.context.user.pk)

    @strawberry_django.field(
        description="The signed-in person's own sponsor file: their dependents and permits."
    )
    def sponsor(self, info: Info) -> Sponsor | None:
        return models.Sponsor.objects.filter(person__user_id=info.context.user.pk)

    @strawberry_django.field(description="Companies and government bodies this user acts for.")
    def employers(self, info: Info) -> list[Sponsor]:
        return models.Sponsor.objects.filter(staff__user_id=info.context.user.pk)


@strawberry.type
class ResidencyQuery:
    node: relay.Node | None = strawberry_django.node(
        description="Any object by its global ID; null when it does not exist or is not yours."
    )
    sponsor: Sponsor | None = strawberry_django.node(
        description="A sponsor by its global ID; null when it does not exist or is not yours."
    )
    permits: DjangoListConnection[ResidencyPermit] = strawberry_django.connection(
        filters=PermitFilter,
        ordering=PermitOrder,
        description="Residency permits you may see: your own, and those of sponsors you act for.",
    )

    @strawberry_django.field(
        description="A person you may see, by civil ID (in any script's digits): HR systems "
        "know their workers by civil ID. Null otherwise, whether or not the number exists."
    )
    def person_by_civil_id(self, info: Info, civil_id: str) -> Person | None:
        number = normalize_digits(civil_id)
        return access.visible_people(info.context.user).filter(civil_id=number).first()

    @strawberry.field(description="The signed-in user; null when anonymous.")
    def me(self, info: Info) -> Me | None:
        user: Any = info.context.user
        if not (user and user.is_authenticated):
            return None
        return Me(username=user.get_username(), is_back_office=access.is_back_office(user))
