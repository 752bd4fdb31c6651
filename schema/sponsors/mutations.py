"""Registering sponsors that act through staff, and their owners' delegates: thin calls into
``core.sponsors`` with typed payload errors."""

from __future__ import annotations

import enum

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from core.articles import SponsorKind
from core.sponsors import delegates, registration
from core.sponsors.errors import RegistrationErrorCode, StaffErrorCode
from schema.core.staff import ScopeEnum, SponsorStaff
from schema.core.types import Sponsor
from schema.errors import Error, pk_of, run_domain

DelegateErrorCodeEnum = strawberry.enum(StaffErrorCode, name="DelegateErrorCode")
RegistrationErrorCodeEnum = strawberry.enum(RegistrationErrorCode, name="RegistrationErrorCode")


@strawberry.enum(description="The sponsors the back office registers.")
class PublicSponsorKind(enum.Enum):
    GOVERNMENT = SponsorKind.GOVERNMENT.value
    MISSION = SponsorKind.MISSION.value


@strawberry.type
class DelegateError(Error):
    code: DelegateErrorCodeEnum


@strawberry.type
class RegistrationError(Error):
    code: RegistrationErrorCodeEnum


@strawberry.type
class DelegatePayload:
    delegate: SponsorStaff | None = None
    errors: list[DelegateError] = strawberry.field(default_factory=list)


@strawberry.type
class RegisterSponsorPayload:
    sponsor: Sponsor | None = None
    errors: list[RegistrationError] = strawberry.field(default_factory=list)


@strawberry.type
class SponsorMutation:
    @strawberry_django.mutation(
        description="Register your company: its commercial registration and Manpower Authority "
        "file number, confirmed by the Authority (the file is active, under that registration, "
        "and you are one of its authorised signatories). You become its owner."
    )
    def register_company(
        self, info: Info, commercial_registration: str, manpower_file_number: str
    ) -> RegisterSponsorPayload:
        sponsor, errors = run_domain(
            info,
            RegistrationError,
            lambda: registration.company_register(
                actor=info.context.user,
                commercial_registration=commercial_registration,
                manpower_file_number=manpower_file_number,
            ),
        )
        return RegisterSponsorPayload(sponsor=sponsor, errors=errors)

    @strawberry_django.mutation(
        description="Back office: register a government body or a mission (embassy, consulate, "
        "diplomatic mission), with the account that becomes its owner."
    )
    def register_government_or_mission(
        self,
        info: Info,
        kind: PublicSponsorKind,
        name_en: str,
        name_ar: str,
        owner_username: str,
    ) -> RegisterSponsorPayload:
        sponsor, errors = run_domain(
            info,
            RegistrationError,
            lambda: registration.public_sponsor_register(
                actor=info.context.user,
                kind=kind.value,
                name_en=name_en,
                name_ar=name_ar,
                owner_username=owner_username,
            ),
        )
        return RegisterSponsorPayload(sponsor=sponsor, errors=errors)

    @strawberry_django.mutation(
        description="Make someone (by user name) a delegate of the sponsor with exactly these "
        "scopes, or change a delegate's scopes, or bring a revoked one back. For owners and "
        "delegates holding MANAGE_DELEGATES, over scopes they hold themselves."
    )
    def grant_delegate(
        self, info: Info, sponsor_id: relay.GlobalID, username: str, scopes: list[ScopeEnum]
    ) -> DelegatePayload:
        row, errors = run_domain(
            info,
            DelegateError,
            lambda: delegates.delegate_grant(
                actor=info.context.user,
                sponsor_id=pk_of(sponsor_id, "Sponsor"),
                username=username,
                scopes=[scope.value for scope in scopes],
            ),
        )
        return DelegatePayload(delegate=row, errors=errors)

    @strawberry_django.mutation(
        description="Revoke a delegate at once: their next request fails for this sponsor, "
        "their open websockets close, their tokens for it are revoked."
    )
    def revoke_delegate(self, info: Info, id: relay.GlobalID) -> DelegatePayload:
        row, errors = run_domain(
            info,
            DelegateError,
            lambda: delegates.delegate_revoke(
                actor=info.context.user, delegate_id=pk_of(id, "SponsorStaff")
            ),
        )
        return DelegatePayload(delegate=row, errors=errors)
