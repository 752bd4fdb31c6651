"""The ``Decimal`` scalar for money: Kuwaiti dinars, at most three decimals (fils), finite.

strawberry's own accepts ``NaN``, ``sNaN`` and ``Infinity``, which then fail comparisons deep in
a service (``decimal.InvalidOperation``); here they are refused as the client's mistake, while
the value is read, like any malformed input.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError

MAX_AMOUNT = Decimal("9999999.999")


def parse_amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise StrawberryInputCoercionError(f'Value cannot represent a Decimal: "{value}".')
    try:
        amount = Decimal(str(value).strip())
    except decimal.DecimalException:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a Decimal: "{value}".'
        ) from None
    if not amount.is_finite():
        raise StrawberryInputCoercionError("A Decimal must be a finite number.")
    if amount.as_tuple().exponent < -3:  # type: ignore[operator]
        raise StrawberryInputCoercionError("A Decimal has at most three decimals (fils).")
    if abs(amount) > MAX_AMOUNT:
        raise StrawberryInputCoercionError(f"A Decimal must be at most {MAX_AMOUNT}.")
    return amount


DECIMAL = strawberry.scalar(
    name="Decimal",
    description="An amount in Kuwaiti dinars: a string with at most three decimals (fils).",
    serialize=str,
    parse_value=parse_amount,
)
