"""Renewal mutations: thin calls into ``core.renewals.services`` with typed payload errors."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.errors import RenewalErrorCode
from core.renewals import services
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


def _payload(info: Info, call) -> RenewalPayload:
    application, errors = run_domain(info, RenewalError, call)
    return RenewalPayload(application=application, errors=errors)


@strawberry.type
class RenewalMutation:
    @strawberry_django.mutation(description="Start a renewal for people you sponsor.")
    def create_renewal(
        self, info: Info, sponsor_id: relay.GlobalID, people: list[RenewalPersonInput]
    ) -> RenewalPayload:
        return _payload(
            info,
            lambda: services.renewal_create(
                actor=info.context.user,
                sponsor_id=pk_of(sponsor_id, "Sponsor"),
                people=_choices(people),
            ),
        )

    @strawberry_django.mutation(description="Add people to a draft renewal.")
    def add_renewal_people(
        self, info: Info, application_id: relay.GlobalID, people: list[RenewalPersonInput]
    ) -> RenewalPayload:
        return _payload(
            info,
            lambda: services.renewal_add_people(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
                people=_choices(people),
            ),
        )

    @strawberry_django.mutation(description="Choose how many months to renew a person for.")
    def choose_renewal_duration(
        self, info: Info, application_id: relay.GlobalID, person_id: relay.GlobalID, months: int
    ) -> RenewalPayload:
        return _payload(
            info,
            lambda: services.renewal_choose_duration(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
                person_id=pk_of(person_id, "Person"),
                months=months,
            ),
        )

    @strawberry_django.mutation(description="Submit: the agency checks start in the background.")
    def submit_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _payload(
            info,
            lambda: services.renewal_submit(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
            ),
        )

    @strawberry_django.mutation(description="Cancel an application that is not yet paid.")
    def cancel_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _payload(
            info,
            lambda: services.renewal_cancel(
                actor=info.context.user,
                application_id=pk_of(application_id, "RenewalApplication"),
            ),
        )
