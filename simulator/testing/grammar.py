"""The placeholder types of step phrases, and the converters they share.

Quoted values (`"{name:Text}"`) take any text without a double quote; bare
ones (`{symbol:Word}`) take one word. Neither can swallow the rest of a
longer phrase, so no two phrases of the library match the same step.
"""
from __future__ import annotations

from collections.abc import Callable

from pytest_bdd import parsers

from simulator.testing.context import Resource


class Placeholder:
    """A parse type: the text its pattern matches, unchanged."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, value: str) -> str:
        return value


TYPES = {"Text": Placeholder(r'[^"]*'), "Word": Placeholder(r'[^\s"]+')}
RESOURCE: dict[str, Callable[[str], object]] = {"resource": Resource}
"""Converts `{resource:Word}` to a Resource; another word fails the step."""


def phrase(pattern: str) -> parsers.parse:
    """A parse-style step pattern that knows the library's placeholder types."""
    return parsers.parse(pattern, extra_types=TYPES)


def table_rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    """A data table with a header row, as one dict per row."""
    header, *rows = datatable
    return [dict(zip(header, row, strict=True)) for row in rows]
