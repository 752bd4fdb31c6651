"""GraphQL types of the residency domain. Every type narrows its queryset to what the viewer
may see (``core.access``), so lists, connections and ``node`` never show another's data."""

from __future__ import annotations

from typing import Any

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core import access, models
from core.applications.selectors import permit_counts
from core.clock import residency_today
from core.scopes import Scope, ordered
from schema.core.enums import (
    PermitChangeKindEnum,
    PermitStatusEnum,
    RelationEnum,
    SexEnum,
    SponsorKindEnum,
)
from schema.core.filters import PermitFilter, PermitOrder
from schema.core.staff import ApiToken, AuditEntry, ScopeEnum, SponsorStaff
from schema.model_types import ModelColumnField, model_type


def viewer(info: Info) -> Any:
    return info.context.user


@strawberry.type(description="What an article of the residency law allows, in force today.")
class ArticleRule:
    number: int
    title_en: str
    title_ar: str
    max_renewal_months: int = strawberry.field(
        description="The longest regular residency under it (a long-residency ground, such as "
        "an investor's, can allow more: the preview says for whom)."
    )
    legal_basis: str


@model_type(models.Person, name="Person")
class Person(relay.Node):
    civil_id: auto
    name_ar: auto
    name_en: auto
    nationality: auto
    date_of_birth: auto
    sex: SexEnum
    passport_number: auto
    passport_expiry: auto
    permits: list[ResidencyPermit] = strawberry_django.field(
        filters=PermitFilter,
        ordering=PermitOrder,
        description="The permits this person holds (a handful: a list, not a connection).",
    )
    sponsorships: DjangoListConnection[Dependent] = strawberry_django.connection(
        description="The sponsors this person depends on, and in what relation."
    )

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=access.visible_people(viewer(info)).values("pk"))


@strawberry.type(description="How many of a sponsor's permits you may see stand where, today.")
class PermitCounts:
    total: int
    valid: int
    expiring: int
    expired: int
    cancelled: int
    in_review: int = strawberry.field(
        description="Holder's open application has a check in review."
    )
    held_up_by_fines: int = strawberry.field(description="Holder's latest fines check found fines.")
    held_up_by_courts: int = strawberry.field(
        description="Holder's latest court check blocks or needs an officer."
    )


@model_type(models.Sponsor, name="Sponsor")
class Sponsor(relay.Node):
    kind: SponsorKindEnum
    commercial_registration: auto
    manpower_file_number: auto
    person: Person | None
    dependents: DjangoListConnection[Dependent] = strawberry_django.connection()
    permits: DjangoListConnection[ResidencyPermit] = strawberry_django.connection(
        filters=PermitFilter, ordering=PermitOrder
    )
    staff: DjangoListConnection[SponsorStaff] = strawberry_django.connection(
        description="Owners and delegates (revoked ones too), for those who may manage "
        "delegates; empty for anyone else."
    )
    api_tokens: DjangoListConnection[ApiToken] = strawberry_django.connection(
        description="Its HR systems' tokens: those you created, or all for those holding "
        "INTEGRATIONS."
    )
    audit_log: DjangoListConnection[AuditEntry] = strawberry_django.connection(
        field_name="audit_entries",
        description="Who did what for this sponsor, newest first: for its owners (and the "
        "back office); empty for anyone else.",
    )

    @strawberry_django.field(
        only=["person"], description="What you may do for this sponsor (every scope: an owner)."
    )
    def my_scopes(self, root: models.Sponsor, info: Info) -> list[ScopeEnum]:
        held = access.scopes_for(viewer(info), root)
        return [Scope(scope) for scope in ordered(held)]

    @strawberry_django.field(only=["name_en", "person__name_en"], select_related=["person"])
    def name_en(self, root: models.Sponsor) -> str:
        return root.display_name_en

    @strawberry_django.field(
        only=["id"],
        description="Counts of the permits it holds that you may see, by status, in review and "
        "held up by fines or courts: one field, one query (a workforce dashboard).",
    )
    def permit_counts(self, root: models.Sponsor, info: Info) -> PermitCounts:
        permits = access.visible_permits(viewer(info)).filter(sponsor_id=root.pk)
        return PermitCounts(**permit_counts(permits, residency_today()))

    @strawberry_django.field(only=["name_ar", "person__name_ar"], select_related=["person"])
    def name_ar(self, root: models.Sponsor) -> str:
        return root.display_name_ar

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=access.visible_sponsors(viewer(info)).values("pk"))


@model_type(models.Dependent, name="Dependent")
class Dependent(relay.Node):
    relation: RelationEnum
    since: auto
    ended_on: auto
    person: Person
    sponsor: Sponsor

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(
            ended_on__isnull=True,
            pk__in=access.visible_dependents(viewer(info)).values("pk"),
        )


@model_type(models.PermitChange, name="PermitChange")
class PermitChange(relay.Node):
    kind: PermitChangeKindEnum
    at: auto
    expires_on_before: auto
    expires_on_after: auto
    note: auto

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(permit__in=access.visible_permits(viewer(info)).values("pk"))


@model_type(
    models.ResidencyPermit,
    name="ResidencyPermit",
    filters=PermitFilter,
    ordering=PermitOrder,
)
class ResidencyPermit(relay.Node):
    article: auto
    issued_on: auto
    expires_on: auto
    cancelled_at: auto
    holder: Person
    sponsor: Sponsor
    history: list[PermitChange] = strawberry_django.field()

    # The model's property, computed from the two columns the optimizer is told to load.
    status: PermitStatusEnum = strawberry_django.field(
        only=["expires_on", "cancelled_at"], field_cls=ModelColumnField
    )

    @strawberry_django.field(only=["article"])
    def article_rule(self, root: models.ResidencyPermit, info: Info) -> ArticleRule | None:
        term = info.context.law().article(root.article)
        if term is None:
            return None
        return ArticleRule(
            number=int(term.article),
            title_en=term.title_en,
            title_ar=term.title_ar,
            max_renewal_months=term.max_months,
            legal_basis=term.legal_basis,
        )

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        return queryset.filter(pk__in=access.visible_permits(viewer(info)).values("pk"))
