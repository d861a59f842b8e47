"""Decimal parsing, formatting and rounding (CONTRACT sections 4 and 13)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.domain.decimals import (
    CENT,
    EIGHT_PLACES,
    DecimalFormatError,
    decimal_places,
    fits_increment,
    format_decimal,
    format_money,
    parse_decimal,
    round_to,
)


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "-0",
        "10",
        "10.50",
        "-3.25",
        "0.00000001",
        "123456789012345",  # fifteen significant digits
        "-123456789012345",
        "1234567890.12345",
        "1.00000000000000",  # fifteen, trailing zeros count
        "0.000000000000001",  # leading zeros do not count
        "0000000000000000000012.5",
        "0.0000000000000000000000000001",
    ],
)
def test_parse_decimal_accepts_plain_decimal_strings(text: str) -> None:
    assert parse_decimal(text) == Decimal(text)


@pytest.mark.parametrize(
    "value",
    [
        5,
        5.0,
        0,
        True,
        False,
        None,
        float("nan"),
        float("inf"),
        Decimal("1"),
        ["1"],
        {"value": "1"},
        "",
        " ",
        " 1",
        "1 ",
        "1\n",
        "\t1",
        "+1",
        "1e5",
        "1E5",
        "1.5e-3",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        ".5",
        "1.",
        "-",
        "--1",
        "1.2.3",
        "1,5",
        "1_000",
        "0x10",
        "\uff11",  # a fullwidth digit one
        "\u0661",  # an Arabic-Indic digit one
        "1234567890123456",  # sixteen significant digits
        "-1234567890123456",
        "1.000000000000000",
        "0.1234567890123456",
        "000123456789012345.6",
    ],
)
def test_parse_decimal_rejects_everything_else(value: object) -> None:
    with pytest.raises(DecimalFormatError):
        parse_decimal(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("200.00"), "200"),
        (Decimal("200"), "200"),
        (Decimal("1E+2"), "100"),
        (Decimal("1.23E+20"), "123000000000000000000"),
        (Decimal("0.00932796"), "0.00932796"),
        (Decimal("0.009327960"), "0.00932796"),
        (Decimal("1E-8"), "0.00000001"),
        (Decimal("1E-15"), "0.000000000000001"),
        (Decimal("2.5E-12"), "0.0000000000025"),
        (Decimal("-0.50"), "-0.5"),
        (Decimal("0E-8"), "0"),
        (Decimal("0.00"), "0"),
        (Decimal("10.10"), "10.1"),
    ],
)
def test_format_decimal_is_plain_without_trailing_zeros(value: Decimal, text: str) -> None:
    formatted = format_decimal(value)
    assert formatted == text
    assert "e" not in formatted.lower()


@pytest.mark.parametrize(
    ("value", "increment", "expected"),
    [
        ("0.125", CENT, "0.12"),
        ("0.135", CENT, "0.14"),
        ("0.145", CENT, "0.14"),
        ("2.675", CENT, "2.68"),
        ("-0.125", CENT, "-0.12"),
        ("0.1251", CENT, "0.13"),
        ("7", CENT, "7.00"),
        ("0.000000005", EIGHT_PLACES, "0E-8"),
        ("0.000000015", EIGHT_PLACES, "0.00000002"),
        ("0.000000025", EIGHT_PLACES, "0.00000002"),
        ("0.0093279579421", EIGHT_PLACES, "0.00932796"),
        ("2.5", Decimal(1), "2"),
        ("3.5", Decimal(1), "4"),
        ("0.000125", Decimal("0.00005"), "0.00010"),
    ],
)
def test_round_to_is_half_even_at_the_increment(value: str, increment: Decimal, expected: str) -> None:
    rounded = round_to(Decimal(value), increment)
    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == increment.as_tuple().exponent


@pytest.mark.parametrize(
    ("value", "places"),
    [
        ("10.000", 0),
        ("10", 0),
        ("1E+2", 0),
        ("10.50", 1),
        ("0.10", 1),
        ("10.01", 2),
        ("10.010", 2),
        ("10.001", 3),
        ("0.00932796", 8),
        ("-0.5", 1),
        ("0.000", 0),
    ],
)
def test_decimal_places_counts_by_value(value: str, places: int) -> None:
    assert decimal_places(Decimal(value)) == places


@pytest.mark.parametrize(
    ("value", "increment", "fits"),
    [
        ("0.00000001", EIGHT_PLACES, True),
        ("0.123456780", EIGHT_PLACES, True),
        ("0.000000001", EIGHT_PLACES, False),
        ("3", Decimal(1), True),
        ("3.5", Decimal(1), False),
        ("0.00015", Decimal("0.00005"), True),
        ("0.00012", Decimal("0.00005"), False),
    ],
)
def test_fits_increment(value: str, increment: Decimal, fits: bool) -> None:
    assert fits_increment(Decimal(value), increment) is fits


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12.50", "12.50"),
        ("-3.25", "-3.25"),
        ("0.00", "0.00"),
        ("7", "7.00"),
        ("1.5", "1.50"),
        ("0.125", "0.12"),  # half-even, as quantizing to cents would
        ("0.135", "0.14"),
        ("-0.005", "-0.00"),
        ("1E+2", "100.00"),  # exponent forms never take the fast path
        ("1.23E+3", "1230.00"),
        ("4.5E-7", "0.00"),
        ("123456789.999", "123456790.00"),
    ],
)
def test_format_money_gives_two_decimals_exactly(value: str, text: str) -> None:
    assert format_money(Decimal(value)) == text
