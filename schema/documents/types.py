"""GraphQL types of the document archive. Visibility: ``core.documents.access``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.types import Info

from core import access as core_access
from core import models as core_models
from core.documents import access, links, models
from core.documents.kinds import DocumentKind, rule_for_kind
from core.documents.requirements import Missing, Whose
from schema.core.types import Person, Sponsor
from schema.model_types import model_type

DocumentKindEnum = strawberry.enum(DocumentKind, name="DocumentKind")
DocumentPartyEnum = strawberry.enum(Whose, name="DocumentParty")


@model_type(
    models.Document,
    name="Document",
    description="A person's document in the archive, or a sponsor's own paper (a company's "
    "licence); its content is validated and stored once.",
)
class Document(relay.Node):
    kind: DocumentKindEnum
    issued_on: auto
    expires_on: auto
    uploaded_at: auto
    owner: Person | None = strawberry_django.field(
        description="The person whose document it is; null for a sponsor's own paper."
    )
    sponsor: Sponsor | None = strawberry_django.field(
        description="The sponsor whose own paper it is; null for a person's document."
    )

    @strawberry_django.field(
        only=["blob__content_type"],
        select_related=["blob"],
        description="Detected from the content: image/jpeg, image/png or application/pdf.",
    )
    def content_type(self, root: models.Document) -> str:
        return root.blob.content_type

    @strawberry_django.field(only=["blob__size"], select_related=["blob"], description="Bytes.")
    def size(self, root: models.Document) -> int:
        return root.blob.size

    @strawberry_django.field(only=["blob__sha256"], select_related=["blob"])
    def sha256(self, root: models.Document) -> str:
        return root.blob.sha256

    @strawberry_django.field(only=["blob__width"], select_related=["blob"])
    def width(self, root: models.Document) -> int | None:
        return root.blob.width

    @strawberry_django.field(only=["blob__height"], select_related=["blob"])
    def height(self, root: models.Document) -> int | None:
        return root.blob.height

    @strawberry_django.field(only=["blob__pages"], select_related=["blob"])
    def pages(self, root: models.Document) -> int | None:
        return root.blob.pages

    @strawberry_django.field(
        only=["kind", "issued_on", "expires_on", "uploaded_at"],
        description="The last day it counts: its expiry, or for photos and salary certificates "
        "the end of their freshness.",
    )
    def valid_until(self, root: models.Document) -> dt.date | None:
        return root.valid_until

    @strawberry_django.field(only=["kind"])
    def kind_title_en(self, root: models.Document) -> str:
        return rule_for_kind(root.kind).title_en

    @strawberry_django.field(only=["kind"])
    def kind_title_ar(self, root: models.Document) -> str:
        return rule_for_kind(root.kind).title_ar

    @strawberry_django.field(
        only=["id"],
        description="A link to the file that works for five minutes; fetch it again for a new one.",
    )
    def download_url(self, root: models.Document, info: Info) -> str:
        path = links.download_path(root.pk)
        request = getattr(info.context, "request", None)
        if request is not None and hasattr(request, "build_absolute_uri"):
            return request.build_absolute_uri(path)
        return path

    @classmethod
    def get_queryset(cls, queryset: Any, info: Info, **kwargs: Any) -> Any:
        visible = access.visible_documents(info.context.user).values("pk")
        return queryset.filter(pk__in=visible)


@strawberry.type(
    description="A document an application needs that the archive has no valid one of."
)
class MissingDocument:
    kind: DocumentKindEnum
    party: DocumentPartyEnum = strawberry.field(
        description="Whose document: the applicant's, the individual sponsor's, or the "
        "company's own (upload it for the company: ownerId is the sponsor's id)."
    )
    expired_on: dt.date | None = strawberry.field(
        description="Null when none was ever uploaded; else the day the last one lapsed."
    )
    owner_pk: strawberry.Private[int | None]
    sponsor_pk: strawberry.Private[int | None] = None

    @strawberry.field
    def kind_title_en(self) -> str:
        return rule_for_kind(self.kind).title_en

    @strawberry.field
    def kind_title_ar(self) -> str:
        return rule_for_kind(self.kind).title_ar

    @strawberry.field(description="Who should hold it; null when not visible to you.")
    def owner(self, info: Info) -> Person | None:
        if self.owner_pk is None:
            return None
        visible = core_access.visible_people(info.context.user).values("pk")
        return core_models.Person.objects.filter(pk=self.owner_pk, pk__in=visible).first()

    @strawberry.field(description="The company that should hold it (its own papers).")
    def sponsor(self, info: Info) -> Sponsor | None:
        if self.sponsor_pk is None:
            return None
        visible = core_access.visible_sponsors(info.context.user).values("pk")
        return core_models.Sponsor.objects.filter(pk=self.sponsor_pk, pk__in=visible).first()

    @classmethod
    def of(cls, missing: Missing) -> MissingDocument:
        return cls(
            kind=missing.kind,
            party=missing.whose,
            expired_on=missing.expired_on,
            owner_pk=missing.owner_id,
            sponsor_pk=missing.sponsor_id,
        )
