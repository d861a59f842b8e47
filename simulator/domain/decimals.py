"""Money and quantities: exact Decimals in, exact strings out.

Inputs follow the contract's decimal rule (a JSON string, at most fifteen
significant digits); outputs never use exponent form and carry no trailing
zeros beyond the value's own.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache

DECIMAL_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_SIGNIFICANT_DIGITS = 15
CENT = Decimal("0.01")
EIGHT_PLACES = Decimal("0.00000001")
ZERO = Decimal(0)
BPS_DIVISOR = Decimal(10_000)
_WIDE = Context(prec=60, rounding=ROUND_HALF_EVEN)


class DecimalFormatError(ValueError):
    """A value that is not a decimal string the API accepts."""


def significant_digits(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").lstrip("0")
    return len(digits)


def parse_decimal(value: object) -> Decimal:
    """Parse a decimal string; anything else (numbers, booleans, NaN) is an error."""
    if not isinstance(value, str) or not DECIMAL_PATTERN.fullmatch(value):
        raise DecimalFormatError('must be a decimal string such as "10.50"')
    if significant_digits(value) > MAX_SIGNIFICANT_DIGITS:
        raise DecimalFormatError(f"must have at most {MAX_SIGNIFICANT_DIGITS} significant digits")
    return Decimal(value)


def format_decimal(value: Decimal) -> str:
    """`200`, `0.00932796`: plain notation, no trailing zeros.

    `str` is the fast path; it switches to exponent form for very small or
    scaled values, and only those go through the slower `format`.
    """
    if not value:
        return "0"
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: Decimal) -> str:
    """Two decimals exactly, for the money columns of files.

    Decimal formatting rounds with the context's rounding, half-even by
    default (the sandbox never changes it): the same as quantizing to cents,
    at half the cost, which counts in a million-row file.
    """
    text = str(value)
    if text[-3:-2] == ".":
        return text  # already in cents, as most money in the sandbox is (an exponent form never ends so)
    return format(value, ".2f")


def round_to(value: Decimal, increment: Decimal) -> Decimal:
    """Round half-even to a multiple of `increment` (0.01, 0.00000001, 1, 0.25...)."""
    if _is_power_of_ten(increment):
        return _WIDE.quantize(value, increment)
    steps = _WIDE.quantize(_WIDE.divide(value, increment), Decimal(1))
    return _WIDE.quantize(_WIDE.multiply(steps, increment), increment)


@lru_cache(maxsize=64)
def _is_power_of_ten(increment: Decimal) -> bool:
    return increment.as_tuple().digits == (1,)


def decimal_places(value: Decimal) -> int:
    """Places the value needs once trailing zeros are dropped (`10.000` has 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def fits_increment(value: Decimal, increment: Decimal) -> bool:
    return _WIDE.remainder(value, increment) == 0


def divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Division with enough precision that the later rounding is the only one."""
    return _WIDE.divide(numerator, denominator)


def multiply(left: Decimal, right: Decimal) -> Decimal:
    return _WIDE.multiply(left, right)
