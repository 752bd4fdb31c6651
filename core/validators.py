"""Field validators shared by models, admin forms and services."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError

from core.civil_id import InvalidCivilId, normalize_digits, parse_civil_id
from core.names import NameProblem, Script, name_problem


def validate_civil_id(value: str) -> None:
    """A civil ID as stored: twelve ASCII digits PACI could have issued."""
    if normalize_digits(value) != value:
        raise ValidationError("Store civil IDs in ASCII digits.", code="invalid_civil_id")
    try:
        parse_civil_id(value)
    except InvalidCivilId as exc:
        raise ValidationError(str(exc), code="invalid_civil_id") from exc


NAME_ERROR_CODES = {
    NameProblem.REQUIRED: "required",
    NameProblem.TOO_LONG: "name_too_long",
    NameProblem.FORBIDDEN_CHARACTER: "name_forbidden_character",
    NameProblem.WRONG_SCRIPT: "name_wrong_script",
}


def _validate_name(value: str, script: Script) -> None:
    if problem := name_problem(value, script):
        raise ValidationError(
            f"Not a valid {script} name ({problem}).", code=NAME_ERROR_CODES[problem]
        )


def validate_arabic_name(value: str) -> None:
    _validate_name(value, Script.ARABIC)


def validate_latin_name(value: str) -> None:
    _validate_name(value, Script.LATIN)


def validate_nationality(value: str) -> None:
    if not value or len(value) != 3 or pycountry.countries.get(alpha_3=value.upper()) is None:
        raise ValidationError(
            "Nationality must be an ISO 3166 alpha-3 code.", code="invalid_nationality"
        )
