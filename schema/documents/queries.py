"""Read side of the document archive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import strawberry
import strawberry_django
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core import access as core_access
from core.articles import Article
from core.documents import access, models, requirements
from core.models import Person as PersonModel
from schema.documents.types import Document, DocumentKindEnum, MissingDocument
from schema.errors import pk_of


def _of_kinds(queryset, kinds: list[DocumentKindEnum] | None):
    return queryset.filter(kind__in=[k.value for k in kinds]) if kinds else queryset


@strawberry.type
class DocumentQuery:
    @strawberry_django.connection(
        DjangoListConnection[Document],
        description="Documents you may see, newest first: of one person (or one sponsor's own "
        "papers) when ownerId is given.",
    )
    def documents(
        self,
        info: Info,
        owner_id: relay.GlobalID | None = None,
        kinds: list[DocumentKindEnum] | None = None,
    ) -> Iterable[models.Document]:
        queryset = access.visible_documents(info.context.user)
        if owner_id is not None:
            sponsor_pk = pk_of(owner_id, "Sponsor")
            queryset = (
                queryset.filter(sponsor_id=sponsor_pk)
                if sponsor_pk is not None
                else queryset.filter(owner_id=pk_of(owner_id, "Person"))
            )
        return _of_kinds(queryset, kinds)

    @strawberry_django.connection(
        DjangoListConnection[Document], description="The signed-in person's own documents."
    )
    def my_documents(
        self, info: Info, kinds: list[DocumentKindEnum] | None = None
    ) -> Iterable[models.Document]:
        user = info.context.user
        if not core_access.acts_as_self(user):
            return models.Document.objects.none()
        return _of_kinds(models.Document.objects.filter(owner__user_id=user.pk), kinds)

    @strawberry.field(
        description="What a renewal of this person under this article still needs: documents "
        "never uploaded or no longer valid on onDate (today by default). Null when the person "
        "is not one whose documents you manage."
    )
    def missing_documents(
        self, info: Info, person_id: relay.GlobalID, article: int, on_date: dt.date | None = None
    ) -> list[MissingDocument] | None:
        if article not in Article.values:
            raise GraphQLError(
                f"Unknown article {article}.", extensions={"code": "UNKNOWN_ARTICLE"}
            )
        person_pk = pk_of(person_id, "Person")
        if not access.may_manage_documents_of(info.context.user, person_pk):
            return None
        person = PersonModel.objects.get(pk=person_pk)
        relation, sponsor = requirements.relation_for_article(person, article)
        missing = requirements.missing_documents(
            person, article, relation, on_date, sponsor=sponsor
        )
        return [MissingDocument.of(m) for m in missing]
