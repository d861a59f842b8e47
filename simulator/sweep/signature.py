"""A failure's signature: its kind and place, with the values stripped.

Runs that fail the same way share a signature whatever the prices, ids or
times of their worlds, so a sweep groups them. A replay failure's `where`
is already a place in the scenario (`steps[3].expect`, `expect.files[0]`);
each `field: expected X, actual Y` line of its message adds the field
(`steps[3].expect.status`, `steps[3].expect.body.price`); the first such
field names the failure, since the others of one answer usually follow
from it (a different price, so a different netMoney). Invariants are
`invariant:<name>`; an email the report cannot write is
`emails.unwritable`, whichever email it was.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.replay.outcome import INVARIANT_PREFIX, Failure
from simulator.sweep.model import FailureKind, RunFailure

EXPECTED_LINE = re.compile(r"^(?P<field>[A-Za-z_$][\w.\[\]$-]*): expected ")


def signature_of(failure: Failure) -> str:
    """The signature of one replay failure: its place and the first field it names."""
    if failure.where.startswith(INVARIANT_PREFIX):
        return failure.where
    if failure.where.startswith("emails/"):
        return "emails.unwritable"
    for line in failure.message.splitlines():
        if match := EXPECTED_LINE.match(line):
            return f"{failure.where}.{match['field']}"
    return failure.where


def kind_of(failure: Failure) -> FailureKind:
    return "invariant" if failure.where.startswith(INVARIANT_PREFIX) else "expectation"


def run_failures(failures: Iterable[Failure]) -> tuple[RunFailure, ...]:
    """A replay's failures as a sweep reports them: one per signature, in the replay's order."""
    found: dict[str, RunFailure] = {}
    for failure in failures:
        signature = signature_of(failure)
        found.setdefault(signature, RunFailure(kind_of(failure), signature, f"{failure.where}: {failure.message}"))
    return tuple(found.values())
