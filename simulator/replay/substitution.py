"""`${uuid:NAME}` placeholders: the same UUID for the same seed and NAME.

Batch and transaction ids must be UUIDs, and a scenario refers to one id in
many places (open, allocate, close, expectations). Naming it once keeps the
file readable and makes the id follow the seed, like every other id.
"""
from __future__ import annotations

import re
from typing import Any

from simulator.engine.streams import seeded_uuid

PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
UUID_PLACEHOLDER = re.compile(r"\$\{uuid:([A-Za-z0-9_.:-]+)\}")


def placeholder_problem(text: str) -> str | None:
    """Why a string's placeholders cannot be substituted, or None when they can."""
    for found in PLACEHOLDER.finditer(text):
        if not UUID_PLACEHOLDER.fullmatch(found.group(0)):
            return (
                f"unknown placeholder {found.group(0)}; "
                "the only form is ${uuid:NAME} (NAME of letters, digits, _ . : -)"
            )
    return None


class Substitution:
    """Replaces every `${uuid:NAME}` in strings, mapping keys included."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def _uuid(self, found: re.Match[str]) -> str:
        return seeded_uuid(self.seed, found.group(1))

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return UUID_PLACEHOLDER.sub(self._uuid, value)
        if isinstance(value, dict):
            return {self(key): self(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self(item) for item in value]
        return value
