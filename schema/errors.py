"""Typed payload errors (Saleor style): ``field``, ``code`` and the message in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from django.core.exceptions import ValidationError
from strawberry.types import Info

from core.errors import (
    AccountErrorCode,
    DomainError,
    DomainErrors,
    ResidencyErrorCode,
    from_validation_error,
)

ResidencyErrorCodeEnum = strawberry.enum(ResidencyErrorCode, name="ResidencyErrorCode")
AccountErrorCodeEnum = strawberry.enum(AccountErrorCode, name="AccountErrorCode")


@strawberry.interface(description="An expected failure of a mutation, in Arabic and English.")
class Error:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    message: str = strawberry.field(description="In the language Accept-Language prefers.")
    message_en: str
    message_ar: str


@strawberry.type
class ResidencyError(Error):
    code: ResidencyErrorCodeEnum


@strawberry.type
class AccountError(Error):
    code: AccountErrorCodeEnum


E = TypeVar("E", ResidencyError, AccountError)


def to_errors(exc: DomainError | DomainErrors, info: Info, error_type: type[E]) -> list[E]:
    language = getattr(info.context, "language", "en")
    items = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [
        error_type(
            field=e.field,
            code=e.code,
            message=e.message(language),
            message_en=e.message_en,
            message_ar=e.message_ar,
        )
        for e in items
    ]


def run_domain(info: Info, error_type: type[E], call: Callable[[], Any]) -> tuple[Any, list[E]]:
    """Call a domain service; its expected failures become typed errors, never exceptions."""
    try:
        return call(), []
    except (DomainError, DomainErrors) as exc:
        return None, to_errors(exc, info, error_type)
    except ValidationError as exc:
        return None, to_errors(from_validation_error(exc), info, error_type)


def pk_of(global_id: Any, type_name: str) -> int | None:
    """The primary key a global ID holds for a type; None for another type or garbage."""
    if getattr(global_id, "type_name", None) != type_name:
        return None
    try:
        return int(global_id.node_id)
    except (TypeError, ValueError):
        return None
