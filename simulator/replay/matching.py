"""Subset matching of JSON values, with reasons a person can act on.

Every key the expectation gives must be present and equal; keys it leaves
out are not looked at. Decimals compare by value (`"200"` equals
`"200.00"` and `200`), because the API writes decimals without trailing
zeros while authors write them as they think of them. Lists match element by
element and must have the same length.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulator.domain.decimals import DECIMAL_PATTERN

SHOWN_CHARS = 160


@dataclass(frozen=True)
class Mismatch:
    """One difference: where, what the expectation wanted, what was there."""

    path: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, actual {self.actual}"


def show(value: Any) -> str:
    """Compact JSON, cut short so one mismatch stays one readable line."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def as_decimal(value: Any) -> Decimal | None:
    """The decimal a value stands for: numbers and decimal-looking strings only."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str) and DECIMAL_PATTERN.fullmatch(value):
        return Decimal(value)
    return None


def mismatches(expected: Any, actual: Any, path: str = "$") -> list[Mismatch]:
    """Every way `actual` fails to contain `expected`; empty when it matches."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Mismatch(path, "an object", show(actual))]
        found: list[Mismatch] = []
        for key, wanted in expected.items():
            child = f"{path}.{key}"
            if key in actual:
                found.extend(mismatches(wanted, actual[key], child))
            else:
                found.append(Mismatch(child, show(wanted), "(missing)"))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Mismatch(path, f"a list of {len(expected)}", show(actual))]
        if len(expected) != len(actual):
            return [Mismatch(path, f"a list of {len(expected)}", f"a list of {len(actual)}: {show(actual)}")]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [found for index, (wanted, got) in pairs for found in mismatches(wanted, got, f"{path}[{index}]")]
    if scalars_equal(expected, actual):
        return []
    return [Mismatch(path, show(expected), show(actual))]


def scalars_equal(expected: Any, actual: Any) -> bool:
    wanted, got = as_decimal(expected), as_decimal(actual)
    if wanted is not None and got is not None:
        return wanted == got
    return type(expected) is type(actual) and bool(expected == actual)


def matches(expected: Any, actual: Any) -> bool:
    return not mismatches(expected, actual)
