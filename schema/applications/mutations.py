"""Application mutations: thin calls into ``core.applications.services`` with typed payload
errors. What applies to every kind takes any application; only creating one (and editing its
people while it is a draft) is per kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.applications import review, services
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.kinds.transfer import KIND as TRANSFER
from core.applications.kinds.visit import KIND as VISIT
from schema.applications.errors import ApplicationError
from schema.applications.inputs import ApplicationPersonInput, choices_of
from schema.applications.kinds import APPLICATION_TYPE_NAMES
from schema.applications.transfers import TransferApplication, TransferConsent
from schema.applications.types import Application, RenewalApplication
from schema.applications.visits import VisitApplication
from schema.documents.types import DocumentKindEnum
from schema.errors import pk_of, run_domain

SUBMIT_AT_ONCE = (
    "Submit it in the same step (integrations): created and checking at once, or, if anything "
    "stops it, nothing created. Every person needs `months`."
)
SubmitAtOnce = Annotated[bool, strawberry.argument(description=SUBMIT_AT_ONCE)]
RENEWAL_DEPRECATION = "Use the mutation of the same name for any application: {name}."


@strawberry.input
class RenewalPersonInput:
    person_id: relay.GlobalID
    months: int | None = strawberry.field(
        default=None, description="The renewal duration; may be chosen later."
    )


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


@strawberry.type
class RenewalPayload:
    application: RenewalApplication | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


@strawberry.type
class VisitPayload:
    application: VisitApplication | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


@strawberry.type
class TransferPayload:
    application: TransferApplication | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


@strawberry.type
class TransferConsentPayload:
    consent: TransferConsent | None = None
    errors: list[ApplicationError] = strawberry.field(default_factory=list)


def application_pk(global_id: relay.GlobalID) -> int | None:
    """The primary key of an application of any kind; None for anything else."""
    if getattr(global_id, "type_name", None) not in APPLICATION_TYPE_NAMES:
        return None
    return pk_of(global_id, global_id.type_name)


def _choices(people: list[RenewalPersonInput]) -> list[PersonChoice]:
    return [PersonChoice(pk_of(p.person_id, "Person"), p.months) for p in people]


def _call(
    info: Info, payload: type, service: Callable[..., Any], **arguments: Any
) -> ApplicationPayload | RenewalPayload | VisitPayload | TransferPayload:
    """Call a service as the signed-in user; its failures become payload errors."""
    application, errors = run_domain(
        info, ApplicationError, lambda: service(actor=info.context.user, **arguments)
    )
    return payload(application=application, errors=errors)


@strawberry.type
class ApplicationMutation:
    # -- per kind: a renewal of dependents ----------------------------------------------------

    @strawberry_django.mutation(description="Start a renewal for people you sponsor.")
    def create_renewal(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        people: list[RenewalPersonInput],
        submit: SubmitAtOnce = False,
    ) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_create,
            kind=RENEWAL.name,
            sponsor_id=pk_of(sponsor_id, "Sponsor"),
            people=_choices(people),
            submit=submit,
        )

    @strawberry_django.mutation(description="Add people to a draft renewal.")
    def add_renewal_people(
        self, info: Info, application_id: relay.GlobalID, people: list[RenewalPersonInput]
    ) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_add_people,
            application_id=application_pk(application_id),
            people=_choices(people),
        )

    @strawberry_django.mutation(description="Choose how many months to renew a person for.")
    def choose_renewal_duration(
        self, info: Info, application_id: relay.GlobalID, person_id: relay.GlobalID, months: int
    ) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_choose_duration,
            application_id=application_pk(application_id),
            person_id=pk_of(person_id, "Person"),
            months=months,
        )

    # -- per kind: a family visit ------------------------------------------------------------

    @strawberry_django.mutation(
        description="Invite relatives living abroad (a parent, a spouse, a child) on a family "
        "visit: each with `visitor` (as on the passport), `relation` and `months`."
    )
    def create_visit_application(
        self,
        info: Info,
        sponsor_id: relay.GlobalID,
        visitors: list[ApplicationPersonInput],
        submit: SubmitAtOnce = False,
    ) -> VisitPayload:
        return _call(
            info,
            VisitPayload,
            services.application_create,
            kind=VISIT.name,
            sponsor_id=pk_of(sponsor_id, "Sponsor"),
            people=choices_of(visitors),
            submit=submit,
        )

    # -- per kind: a transfer to another article and sponsor ----------------------------------

    @strawberry_django.mutation(
        description="Ask to take residents onto your file under another article (Art. 14 to "
        "20, Art. 20 to 18): each named by `civilId`, `nameEn` and `passportNumber`, with "
        "`toArticle` and `months`. Submitting asks the current sponsor and the person to "
        "consent where the law says so; nothing is checked before they have."
    )
    def create_transfer_application(
        self, info: Info, sponsor_id: relay.GlobalID, people: list[ApplicationPersonInput]
    ) -> TransferPayload:
        return _call(
            info,
            TransferPayload,
            services.application_create,
            kind=TRANSFER.name,
            sponsor_id=pk_of(sponsor_id, "Sponsor"),
            people=choices_of(people),
        )

    @strawberry_django.mutation(
        description="Consent to a transfer asked of you (`consent: true`), or refuse it: as "
        "the current sponsor, or as the person who would move. Deciding the same again "
        "changes nothing."
    )
    def decide_transfer_consent(
        self, info: Info, consent_id: relay.GlobalID, consent: bool, note: str = ""
    ) -> TransferConsentPayload:
        decided, errors = run_domain(
            info,
            ApplicationError,
            lambda: services.consent_decide(
                actor=info.context.user,
                consent_id=pk_of(consent_id, "TransferConsent"),
                give=consent,
                note=note,
            ),
        )
        return TransferConsentPayload(consent=decided, errors=errors)

    # -- any application ----------------------------------------------------------------------

    @strawberry_django.mutation(description="Submit: the agency checks start in the background.")
    def submit_application(self, info: Info, application_id: relay.GlobalID) -> ApplicationPayload:
        return _call(
            info,
            ApplicationPayload,
            services.application_submit,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(description="Cancel an application that is not yet paid.")
    def cancel_application(self, info: Info, application_id: relay.GlobalID) -> ApplicationPayload:
        return _call(
            info,
            ApplicationPayload,
            services.application_cancel,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(
        description="The requested documents are uploaded: the application goes on."
    )
    def application_documents_provided(
        self, info: Info, application_id: relay.GlobalID
    ) -> ApplicationPayload:
        return _call(
            info,
            ApplicationPayload,
            services.application_documents_provided,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(
        description="Back office: ask for a new document; the application waits for it."
    )
    def request_application_document(
        self,
        info: Info,
        application_id: relay.GlobalID,
        person_id: relay.GlobalID,
        kind: DocumentKindEnum,
        reason: str,
    ) -> ApplicationPayload:
        return _call(
            info,
            ApplicationPayload,
            services.application_request_document,
            application_id=application_pk(application_id),
            person_id=pk_of(person_id, "Person"),
            kind=kind.value,
            reason=reason,
        )

    @strawberry_django.mutation(
        description="Back office: clear a check sent to review, or block the person."
    )
    def decide_check_review(
        self, info: Info, check_id: relay.GlobalID, clear: bool, note: str = ""
    ) -> ApplicationPayload:
        return _call(
            info,
            ApplicationPayload,
            review.check_review_decide,
            check_id=pk_of(check_id, "AgencyCheck"),
            clear=clear,
            note=note,
        )

    # -- the renewal-only names they had before (docs/schema-changelog.md) ---------------------

    @strawberry_django.mutation(
        deprecation_reason=RENEWAL_DEPRECATION.format(name="submitApplication")
    )
    def submit_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_submit,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(
        deprecation_reason=RENEWAL_DEPRECATION.format(name="cancelApplication")
    )
    def cancel_renewal(self, info: Info, application_id: relay.GlobalID) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_cancel,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(
        deprecation_reason=RENEWAL_DEPRECATION.format(name="applicationDocumentsProvided")
    )
    def renewal_documents_provided(
        self, info: Info, application_id: relay.GlobalID
    ) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_documents_provided,
            application_id=application_pk(application_id),
        )

    @strawberry_django.mutation(
        deprecation_reason=RENEWAL_DEPRECATION.format(name="requestApplicationDocument")
    )
    def request_renewal_document(
        self,
        info: Info,
        application_id: relay.GlobalID,
        person_id: relay.GlobalID,
        kind: DocumentKindEnum,
        reason: str,
    ) -> RenewalPayload:
        return _call(
            info,
            RenewalPayload,
            services.application_request_document,
            application_id=application_pk(application_id),
            person_id=pk_of(person_id, "Person"),
            kind=kind.value,
            reason=reason,
        )
