"""What a webhook says: ids and facts, never more than the endpoint's sponsor may see.

Every event goes only to the endpoints of the sponsor it is about (the application's, the
permit's), who sees all of it through the API already. Ids are the API's global IDs, so an
HR system passes them straight to ``node(id:)`` or a mutation; enum values are spelled as the
API spells them (``AWAITING_PAYMENT``); money is KWD as a string with three decimals.
"""

from __future__ import annotations

import base64
from typing import Any

from core.applications.kinds import reference
from core.applications.models import Application, ApplicationItem
from core.applications.states import GONE_ITEM_STATES
from core.models import Person, ResidencyPermit

# The GraphQL type of each kind of application (schema/applications/kinds.py; a test keeps
# the two the same).
APPLICATION_NODE_TYPES = {
    "renewal": "RenewalApplication",
    "visit": "VisitApplication",
    "transfer": "TransferApplication",
}


def node_id(type_name: str, pk: int) -> str:
    """The API's global ID of an object (Relay's: base64 of ``Type:pk``)."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def enum_value(value: str) -> str:
    return value.upper() if value else value


def application_data(application: Application) -> dict[str, Any]:
    return {
        "id": node_id(APPLICATION_NODE_TYPES[application.kind], application.pk),
        "kind": enum_value(application.kind),
        "reference": reference(application),
        "state": enum_value(application.state),
        "sponsorId": node_id("Sponsor", application.sponsor_id),
    }


def person_ref(person: Person) -> dict[str, Any]:
    """A person on an application, as every kind's item shows them to its sponsor: a
    transfer's new sponsor knows the civil ID and Latin name it gave, and the person's id, but
    not yet the rest of their record (docs/transfers.md)."""
    return {
        "id": node_id("Person", person.pk),
        "civilId": person.civil_id,
        "nameEn": person.name_en,
    }


def person_data(person: Person) -> dict[str, Any]:
    """A person on the sponsor's file (a permit's holder): their names in both scripts."""
    return {**person_ref(person), "nameAr": person.name_ar}


def permit_data(permit: ResidencyPermit) -> dict[str, Any]:
    return {
        "id": node_id("ResidencyPermit", permit.pk),
        "article": permit.article,
        "expiresOn": permit.expires_on.isoformat(),
    }


def state_changed(application: Application, message: Any) -> dict[str, Any]:
    return {
        "application": application_data(application),
        "fromState": enum_value(message.from_state) or None,  # None: just created
        "toState": enum_value(message.to_state),
        "reason": message.detail.get("reason", ""),
        "at": message.at,
    }


def check_settled(application: Application, message: Any, person: Person) -> dict[str, Any]:
    detail = message.detail
    return {
        "application": application_data(application),
        "check": {
            "agency": enum_value(detail["agency"]),
            "status": enum_value(detail["status"]),
            "person": person_ref(person),
            "detailEn": detail.get("detail_en", ""),
            "detailAr": detail.get("detail_ar", ""),
            "amountOwed": detail.get("amount"),
            "decidedByOfficer": str(message.kind) == "review",
        },
        "at": message.at,
    }


def issued(application: Application, message: Any) -> dict[str, Any]:
    """The people the application issued for, each with their permit as it now stands."""
    items = (
        ApplicationItem.objects.filter(application=application)
        .exclude(state__in=GONE_ITEM_STATES)
        .select_related("person", "permit")
        .order_by("id")
    )
    return {
        "application": application_data(application),
        "people": [
            {
                "person": person_ref(item.person),
                "permit": permit_data(item.permit) if item.permit_id else None,
            }
            for item in items
        ],
        "at": message.at,
    }
