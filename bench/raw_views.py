"""The hand-written baseline for the GraphQL read path.

``sponsor_dependents`` answers the bench's GraphQL query (a sponsor, its dependents, each
dependent's person and their permits) with plain Django: the same bearer-token authentication,
the same visibility rules from ``core.access`` that the GraphQL types apply in
``get_queryset``, the same page size (100 dependents; a person's permits are a plain list) and
orderings, and the same JSON shape. It issues the same five queries as the GraphQL view, so the
difference between the two measures the GraphQL stack, not the database.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from core import access
from core.articles import Relation
from core.models import Dependent, Person, ResidencyPermit, Sponsor
from core.services.accounts import api_token_authenticate
from schema.views import bearer_token

DEPENDENTS_PAGE = 100


def _unauthenticated() -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": "Invalid or revoked API token.", "extensions": {}}]}, status=401
    )


def sponsor_dependents(request: HttpRequest, pk: int) -> JsonResponse:
    token = bearer_token(request.headers.get("Authorization"))
    user = api_token_authenticate(token) if token else None
    if user is None:
        return _unauthenticated()

    dependents = Dependent.objects.filter(
        ended_on__isnull=True, pk__in=access.visible_dependents(user).values("pk")
    ).only("id", "sponsor", "person", "relation")
    people = Person.objects.filter(pk__in=access.visible_people(user).values("pk")).only(
        "id", "civil_id", "name_ar", "name_en"
    )
    permits = ResidencyPermit.objects.filter(pk__in=access.visible_permits(user).values("pk")).only(
        "id", "holder", "article", "expires_on", "cancelled_at"
    )
    sponsor = (
        Sponsor.objects.filter(pk__in=access.visible_sponsors(user).values("pk"), pk=pk)
        .select_related("person")
        .only("id", "person", "name_en", "person__id", "person__name_en")
        .prefetch_related(
            # A sliced prefetch needs to_attr: Django cannot re-filter a sliced queryset.
            Prefetch(
                "dependents",
                queryset=dependents.order_by("id")[:DEPENDENTS_PAGE],
                to_attr="dependents_page",
            ),
            Prefetch("dependents_page__person", queryset=people),
            Prefetch(
                "dependents_page__person__permits", queryset=permits.order_by("expires_on", "id")
            ),
        )
        .first()
    )
    if sponsor is None:
        return JsonResponse({"data": {"sponsor": None}})

    today = timezone.localdate()
    edges = []
    for dependent in sponsor.dependents_page:
        person = dependent.person
        edges.append(
            {
                "node": {
                    "relation": Relation(dependent.relation).name,
                    "person": {
                        "civilId": person.civil_id,
                        "nameEn": person.name_en,
                        "nameAr": person.name_ar,
                        "permits": [
                            {
                                "article": permit.article,
                                "expiresOn": permit.expires_on.isoformat(),
                                "status": permit.status_on(today).name,
                            }
                            for permit in person.permits.all()
                        ],
                    },
                }
            }
        )
    return JsonResponse(
        {"data": {"sponsor": {"nameEn": sponsor.display_name_en, "dependents": {"edges": edges}}}}
    )
