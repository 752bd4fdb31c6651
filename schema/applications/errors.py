"""The typed error of application mutations and queries."""

from __future__ import annotations

import strawberry

from core.applications.errors import ApplicationErrorCode
from schema.errors import Error

ApplicationErrorCodeEnum = strawberry.enum(ApplicationErrorCode, name="ApplicationErrorCode")


@strawberry.type
class ApplicationError(Error):
    code: ApplicationErrorCodeEnum
