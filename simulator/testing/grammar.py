"""The placeholder types of step phrases, and the converters they share.

Quoted values (`"{name:Text}"`) take any text without a double quote; bare
ones (`{symbol:Word}`) take one word. Neither can swallow the rest of a
longer phrase, so no two phrases of the library match the same step.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

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


class Gathered(parsers.parse):
    """A phrase whose placeholders reach the step as one value, `into(**placeholders)`,
    under the argument name `argument`: steps that share a phrase's words name one
    argument instead of repeating each field. The phrase reads as `phrase` would."""

    def __init__(self, pattern: str, into: Callable[..., object], argument: str) -> None:
        super().__init__(pattern, extra_types=TYPES)
        self.into = into
        self.argument = argument

    def parse_arguments(self, name: str) -> dict[str, Any]:
        return {self.argument: self.into(**super().parse_arguments(name))}


def table_rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    """A data table with a header row, as one dict per row."""
    header, *rows = datatable
    return [dict(zip(header, row, strict=True)) for row in rows]


INTEGER_FIELDS = frozenset({"bpsCommission", "bpsMarkup"})
"""Request fields the reference types as whole numbers."""
WHOLE_NUMBER = re.compile(r"-?\d+")


def fields_of(datatable: list[list[str]]) -> dict[str, Any]:
    """A two-column table of field and value as request fields. An empty value leaves the
    field out, so one Scenario Outline can vary which fields are sent; bps fields are
    whole numbers, as the reference types them."""
    fields: dict[str, Any] = {}
    for name, value in datatable:
        if name and value:
            fields[name] = int(value) if name in INTEGER_FIELDS and WHOLE_NUMBER.fullmatch(value) else value
    return fields
