"""GraphQL enums of the residency domain, made from the domain's own choices."""

import enum

import strawberry

from core.applications.models import AgencyName
from core.articles import Relation, SponsorKind
from core.models import PermitChangeKind, PermitStatus, Sex

RelationEnum = strawberry.enum(Relation, name="Relation")
SponsorKindEnum = strawberry.enum(SponsorKind, name="SponsorKind")
SexEnum = strawberry.enum(Sex, name="Sex")
PermitStatusEnum = strawberry.enum(PermitStatus, name="PermitStatus")
PermitChangeKindEnum = strawberry.enum(PermitChangeKind, name="PermitChangeKind")


@strawberry.enum(name="HoldUp", description="An agency whose findings can hold a renewal up.")
class HoldUpEnum(enum.Enum):
    FINES = AgencyName.FINES.value
    COURTS = AgencyName.COURTS.value
