"""Read side of applications."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from schema.applications.types import Application, ApplicationFilter


@strawberry.type
class ApplicationQuery:
    my_applications: DjangoListConnection[Application] = strawberry_django.connection(
        filters=ApplicationFilter,
        description="Applications of every kind of the sponsors you act for, newest first.",
    )
