"""``idempotencyKey`` on every mutation an integrator may retry: the first answer, given again.

An HR system that lost the answer to ``createRenewal`` (a timeout, a dropped connection) sends
the same request with the same key and gets the same application, not a second one
(``core.services.idempotency`` keeps the answer). What is kept is the payload the mutation
returned, as references: the objects it named (read again when replayed, so they show their
state now) and its errors, word for word. The same key with other arguments is refused
(``IDEMPOTENCY_KEY_REUSED``). Mutations that have their own key (``startPayment``), that upload
files (content-addressed already: the same file answers the same document) or that sign in and
out take none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import importlib
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from graphql import GraphQLError
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions.field_extension import FieldExtension
from strawberry.file_uploads import Upload
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from core import access
from core.errors import DomainError
from core.services.idempotency import idempotent

ARGUMENT = "idempotency_key"
WITHOUT_KEY = frozenset({"login", "logout"})
# Where the types of a kept answer may come from: nothing else is imported on replay.
TYPE_MODULES = ("schema.", "core.", "payments.")


class Idempotent(FieldExtension):
    """Adds ``idempotencyKey: String`` to the mutation and answers a repeated key from the
    first answer."""

    def apply(self, field: StrawberryField) -> None:
        field.arguments = [
            *field.arguments,
            StrawberryArgument(
                python_name=ARGUMENT,
                graphql_name="idempotencyKey",
                type_annotation=StrawberryAnnotation(str | None),
                default=None,
                description="Send the same key again to get the first answer again, not a "
                "second write (8 to 64 of A-Z a-z 0-9 _ - . :; kept a day).",
            ),
        ]

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        key = kwargs.pop(ARGUMENT, None)
        user = info.context.user
        if key is None or not (user and user.is_authenticated):
            return next_(source, info, **kwargs)
        try:
            token = access.acting_token(user)
            answer, kept = idempotent(
                user=user,
                token_id=token.pk if token is not None else None,
                operation=info.field_name,
                key=key,
                arguments=kwargs,
                write=lambda: next_(source, info, **kwargs),
                keep=_kept,
            )
        except DomainError as exc:
            language = getattr(info.context, "language", "en")
            raise GraphQLError(
                exc.message(language),
                extensions={
                    "code": str(exc.code).upper(),
                    "messageEn": exc.message_en,
                    "messageAr": exc.message_ar,
                },
            ) from None
        return answer if kept is None else _replayed(kept)


def takes_a_key(field: StrawberryField) -> bool:
    names = {argument.python_name for argument in field.arguments}
    uploads = any(argument.type is Upload for argument in field.arguments)
    return field.python_name not in WITHOUT_KEY and ARGUMENT not in names and not uploads


def make_idempotent(mutation_type: type) -> None:
    """Give every mutation of the type that takes a key the extension (before the schema is
    built: strawberry applies field extensions then)."""
    for field in mutation_type.__strawberry_definition__.fields:
        if takes_a_key(field) and not any(isinstance(e, Idempotent) for e in field.extensions):
            field.extensions.append(Idempotent())


def _path(kind: type) -> str:
    return f"{kind.__module__}:{kind.__qualname__}"


def _kept(value: Any) -> Any:
    """A payload as JSON: objects by reference, the rest by value."""
    if value is None or isinstance(value, bool | int | float | str):
        return {"value": value}
    if isinstance(value, models.Model):
        return {"model": value._meta.label, "pk": value.pk}
    if isinstance(value, enum.Enum):
        return {"enum": _path(type(value)), "value": value.value}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, list | tuple):
        return {"list": [_kept(each) for each in value]}
    if dataclasses.is_dataclass(value) and hasattr(type(value), "__strawberry_definition__"):
        return {
            "type": _path(type(value)),
            "fields": {f.name: _kept(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise TypeError(f"cannot keep a {type(value).__name__} as an idempotent answer")


def _imported(path: str) -> Any:
    module, _, name = path.partition(":")
    if not module.startswith(TYPE_MODULES):
        raise ValueError(f"not a type of this service: {path}")
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found


def _replayed(kept: dict[str, Any]) -> Any:
    if "value" in kept:
        return kept["value"]
    if "model" in kept:
        return apps.get_model(kept["model"]).objects.filter(pk=kept["pk"]).first()
    if "enum" in kept:
        return _imported(kept["enum"])(kept["value"])
    if "decimal" in kept:
        return Decimal(kept["decimal"])
    if "datetime" in kept:
        return dt.datetime.fromisoformat(kept["datetime"])
    if "date" in kept:
        return dt.date.fromisoformat(kept["date"])
    if "list" in kept:
        return [_replayed(each) for each in kept["list"]]
    kind = _imported(kept["type"])
    return kind(**{name: _replayed(value) for name, value in kept["fields"].items()})
