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

    @strawberry_django.field(
        description="The person behind the account, if any (null for an API token of a "
        "company: it acts for the company only)."
    )
    def person(self, info: Info) -> Person | None:
        return models.Person.objects.filter(access.own(info.context.user, "user_id"))

    @strawberry_django.field(
        description="The signed-in person's own sponsor file: their dependents and permits."
    )
    def sponsor(self, info: Info) -> Sponsor | None:
        return models.Sponsor.objects.filter(access.own(info.context.user, "person__user_id"))

    @strawberry_django.field(
        description="Companies, government bodies and missions this user acts for now (an "
        "owner, or a delegate not revoked); through a token, the token's."
    )
    def employers(self, info: Info) -> list[Sponsor]:
        return access.represented_sponsors(info.context.user).filter(person__isnull=True)


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
