"""GraphQL enums of the residency domain, made from the domain's own choices."""

import strawberry

from core.articles import Relation, SponsorKind
from core.models import PermitChangeKind, PermitStatus, Sex

RelationEnum = strawberry.enum(Relation, name="Relation")
SponsorKindEnum = strawberry.enum(SponsorKind, name="SponsorKind")
SexEnum = strawberry.enum(Sex, name="Sex")
PermitStatusEnum = strawberry.enum(PermitStatus, name="PermitStatus")
PermitChangeKindEnum = strawberry.enum(PermitChangeKind, name="PermitChangeKind")
