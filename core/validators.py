"""Field validators shared by models, admin forms and services."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError

from core.civil_id import InvalidCivilId, parse_civil_id


def validate_civil_id(value: str) -> None:
    try:
        parse_civil_id(value)
    except InvalidCivilId as exc:
        raise ValidationError(str(exc), code="invalid_civil_id") from exc


def validate_nationality(value: str) -> None:
    if not value or len(value) != 3 or pycountry.countries.get(alpha_3=value.upper()) is None:
        raise ValidationError(
            "Nationality must be an ISO 3166 alpha-3 code.", code="invalid_nationality"
        )
