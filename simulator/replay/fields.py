"""Typed reads of one YAML value that know where they are in the file.

Every read either returns the value in the promised type or raises a
ScenarioError naming the file and the key path, so the loader reads like the
format it checks.
"""
from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from simulator.engine.clock import TimeFormatError, parse_instant
from simulator.replay.errors import KeyPath, ScenarioError
from simulator.replay.substitution import placeholder_problem


def describe(value: Any) -> str:
    """What the author wrote, in YAML words, for 'must be X, not Y' messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@dataclass(frozen=True)
class Node:
    source: str
    path: KeyPath
    value: Any

    def fail(self, problem: str) -> NoReturn:
        raise ScenarioError(self.source, self.path, problem)

    def child(self, key: str | int, value: Any) -> Node:
        return Node(self.source, (*self.path, key), value)

    def mapping(self, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict[str, Node]:
        """The mapping's entries; missing required keys and unknown keys are errors."""
        required, optional = tuple(required), tuple(optional)
        if not isinstance(self.value, dict):
            self.fail(f"must be a mapping, not {describe(self.value)}")
        allowed = (*required, *optional)
        for key in self.value:
            if not isinstance(key, str):
                self.fail(f"key {key!r} must be a string")
            if key not in allowed:
                self.child(key, None).fail(f"unknown key; expected one of {', '.join(sorted(allowed))}")
        for key in required:
            if key not in self.value:
                self.child(key, None).fail("required key is missing")
        return {key: self.child(key, value) for key, value in self.value.items()}

    def entries(self) -> dict[str, Node]:
        """A mapping whose keys are names the author chooses (clients, symbols)."""
        if not isinstance(self.value, dict):
            self.fail(f"must be a mapping, not {describe(self.value)}")
        for key in self.value:
            if not isinstance(key, str):
                self.fail(f"key {key!r} must be a string")
        return {key: self.child(key, value) for key, value in self.value.items()}

    def items(self) -> list[Node]:
        if not isinstance(self.value, list):
            self.fail(f"must be a list, not {describe(self.value)}")
        return [self.child(index, value) for index, value in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str):
            self.fail(f"must be a string, not {describe(self.value)}")
        problem = placeholder_problem(self.value)
        if problem is not None:
            self.fail(problem)
        return self.value

    def integer(self, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"must be a whole number, not {describe(self.value)}")
        if minimum is not None and self.value < minimum:
            self.fail(f"must be at least {minimum}")
        return self.value

    def seconds(self) -> float:
        """Zero or more and within the float range: compared before converting, since
        float() of a longer integer raises OverflowError."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= sys.float_info.max:
            self.fail("must be a number of seconds, zero or more")
        return float(value)

    def choice(self, options: Iterable[str]) -> str:
        options = tuple(options)
        if self.value not in options:
            self.fail(f"must be one of {', '.join(options)}")
        return str(self.value)

    def instant(self) -> str:
        """An ISO-8601 instant with a zone, kept as written."""
        text = self.text()
        try:
            parse_instant(text)
        except TimeFormatError:
            self.fail(f"{text!r} is not an ISO-8601 instant with a zone, such as 2026-03-02T15:00:00Z")
        return text

    def json(self) -> Any:
        """Any JSON value: what YAML gave, checked to be JSON all the way down."""
        value = self.value
        if value is None or isinstance(value, (bool, int)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.fail("must be a finite number")
            return value
        if isinstance(value, str):
            return self.text()
        if isinstance(value, list):
            return [item.json() for item in self.items()]
        if isinstance(value, dict):
            return {key: item.json() for key, item in self.entries().items()}
        self.fail(f"must be a JSON value, not {describe(value)}")

    def json_object(self) -> dict[str, Any]:
        """A JSON object; an empty YAML value counts as `{}`."""
        if self.value is None:
            return {}
        if not isinstance(self.value, dict):
            self.fail(f"must be a mapping, not {describe(self.value)}")
        result: dict[str, Any] = self.json()
        return result
