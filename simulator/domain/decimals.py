"""Money and quantities: exact Decimals in, exact strings out.

Inputs follow the contract's decimal rule (a JSON string, at most fifteen
significant digits); outputs never use exponent form and carry no trailing
zeros beyond the value's own.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

DECIMAL_PATTERN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
MAX_SIGNIFICANT_DIGITS = 15
CENT = Decimal("0.01")
EIGHT_PLACES = Decimal("0.00000001")
ZERO = Decimal(0)
BPS_DIVISOR = Decimal(10_000)
_WIDE = Context(prec=60)


class DecimalFormatError(ValueError):
    """A value that is not a decimal string the API accepts."""


def significant_digits(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").lstrip("0")
    return len(digits)


def parse_decimal(value: object) -> Decimal:
    """Parse a decimal string; anything else (numbers, booleans, NaN) is an error."""
    if not isinstance(value, str) or not DECIMAL_PATTERN.match(value):
        raise DecimalFormatError('must be a decimal string such as "10.50"')
    if significant_digits(value) > MAX_SIGNIFICANT_DIGITS:
        raise DecimalFormatError(f"must have at most {MAX_SIGNIFICANT_DIGITS} significant digits")
    return Decimal(value)


def format_decimal(value: Decimal) -> str:
    """`200`, `0.00932796`: plain notation, no trailing zeros."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: Decimal) -> str:
    """Two decimals exactly, for the money columns of files."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_EVEN), "f")


def round_to(value: Decimal, increment: Decimal) -> Decimal:
    """Round half-even to a multiple of `increment` (0.01, 0.00000001, 1, ...)."""
    with localcontext(_WIDE):
        steps = (value / increment).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return (steps * increment).quantize(increment)


def decimal_places(value: Decimal) -> int:
    """Places the value needs once trailing zeros are dropped (`10.000` has 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def fits_increment(value: Decimal, increment: Decimal) -> bool:
    with localcontext(_WIDE):
        return (value % increment) == 0


def divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Division with enough precision that the later rounding is the only one."""
    with localcontext(_WIDE):
        return numerator / denominator


def multiply(left: Decimal, right: Decimal) -> Decimal:
    with localcontext(_WIDE):
        return left * right
