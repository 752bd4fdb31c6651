"""Renewal mutations: thin calls into ``core.renewals.services`` with typed payload errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.errors import RenewalErrorCode
from core.renewals import documents as renewal_documents
from core.renewals import review, services
from core.renewals.models import RenewalApplication as RenewalApplicationModel
from schema.documents.types import DocumentKindEnum
from schema.errors import Error, pk_of, run_domain
from schema.renewals.types import RenewalApplication

RenewalErrorCodeEnum = strawberry.enum(RenewalErrorCode, name="RenewalErrorCode")


@strawberry.type
class RenewalError(Error):
    code: RenewalErrorCodeEnum


@strawberry.input
class RenewalPersonInput:
    person_id: relay.GlobalID
    months: int | None = strawberry.field(
        default=None, description="The renewal duration; may be chosen later."
    )


@strawberry.type
class RenewalPayload:
    application: RenewalApplication | None = None
    errors: list[RenewalError] = strawberry.field(default_factory=list)


def _choices(people: list[RenewalPersonInput]) -> list[services.PersonChoice]:
    return [services.PersonChoice(pk_of(p.person_id, "Person"), p.months) for p in people]


def _payload(info: Info, service: Callable[..., Any], **arguments: Any) -> RenewalPayload:
    """Call a renewal service as the signed-in user; its failures become payload errors."""
    application, errors = run_domain(
        info, RenewalError, lambda: service(actor=info.context.user, **arguments)
    )
    return RenewalPayload(application=application, errors=errors)


def _decide_review(*, actor: Any, **decision: Any) -> RenewalApplicationModel:
    check = review.check_review_decide(actor=actor, **decision)
    return RenewalApplicationModel.objects.get(pk=check.item.application_id)


def _application_pk(application_id: relay.GlobalID) -> int | None:
    return pk_of(application_id, "RenewalApplication")


@strawberry.type
class RenewalMutation:
    @strawberry_django.mutation(description="Start a renewal for people you sponsor.")
    def create_renewal(
        self, info: Info, sponsor_id: relay.GlobalID, people: list[RenewalPersonInput]
    ) -> RenewalPayload:
        return _payload(
            info,
            services.renewal_create,
            sponsor_id=pk_of(sponsor_id, "Sponsor"),
            people=_choices(people),
        )

    @strawberry_django.mutation(description="Add people to a draft renewal.")
    def add_renewal_people(
        self, info: Info, application_id: relay.GlobalID, people: list[RenewalPersonInput]
    ) -> RenewalPayload:
        return _payload(
            info,
            services.renewal_add_people,
            application_id=_application_pk(application_id),
            people=_choices(people),
        )

    @strawberry_django.mutation(description="Choose how many months to renew a person for.")
    def choose_renewal_duration(
        self, info: Info, application_id: relay.GlobalID, person_id: relay.GlobalID, months: int
    ) -> RenewalPayload:
        return _payload(
            info,
            services.renewal_choose_duration,
            application_id=_application_pk(application_id),
            person_id=pk_of(person_id, "Person"),
            months=months,
        )

    @strawberry_django.mutation(description="Submit: the agency checks start in the background.")
    def submit_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _payload(
            info, services.renewal_submit, application_id=_application_pk(application_id)
        )

    @strawberry_django.mutation(description="Cancel an application that is not yet paid.")
    def cancel_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _payload(
            info, services.renewal_cancel, application_id=_application_pk(application_id)
        )

    @strawberry_django.mutation(
        description="Back office: clear a check sent to review, or block the person."
    )
    def decide_check_review(
        self, info: Info, check_id: relay.GlobalID, clear: bool, note: str = ""
    ) -> RenewalPayload:
        return _payload(
            info, _decide_review, check_id=pk_of(check_id, "AgencyCheck"), clear=clear, note=note
        )

    @strawberry_django.mutation(
        description="Back office: ask for a new document; the application waits for it."
    )
    def request_renewal_document(
        self,
        info: Info,
        application_id: relay.GlobalID,
        person_id: relay.GlobalID,
        kind: DocumentKindEnum,
        reason: str,
    ) -> RenewalPayload:
        return _payload(
            info,
            renewal_documents.renewal_request_document,
            application_id=_application_pk(application_id),
            person_id=pk_of(person_id, "Person"),
            kind=kind.value,
            reason=reason,
        )

    @strawberry_django.mutation(
        description="The requested documents are uploaded: the application goes on."
    )
    def renewal_documents_provided(
        self, info: Info, application_id: relay.GlobalID
    ) -> RenewalPayload:
        return _payload(
            info,
            renewal_documents.renewal_documents_provided,
            application_id=_application_pk(application_id),
        )
