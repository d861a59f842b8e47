"""What a replay produced: every request, every failure, and the outputs.

The outputs are copied out of the sandbox before it closes, so the report
writer and the summary never need a live sandbox.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.market.quotes import Market
from simulator.service.journal import JournalEntry
from simulator.service.outputs import Email, StoredFile

INVARIANT_PREFIX = "invariant:"
"""Where a broken invariant is reported: `invariant:<name>`, a sandbox bug rather than the scenario's."""


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold; `where` points into the scenario."""

    where: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message}


@dataclass(frozen=True)
class RequestRecord:
    """One call the runner made, setup and logins included."""

    where: str
    step: int | None
    method: str
    path: str
    query: Mapping[str, str]
    body: Any
    status: int
    response: Any
    """The answer's JSON, or its text when it is not JSON."""

    def to_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "step": self.step,
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "body": self.body,
            "status": self.status,
            "response": self.response,
        }


@dataclass(frozen=True)
class RunResult:
    scenario: str
    source: str
    seed: int
    requests: tuple[RequestRecord, ...]
    events: tuple[JournalEntry, ...]
    files: tuple[StoredFile, ...]
    emails: tuple[Email, ...]
    failures: tuple[Failure, ...]
    market: Market
    """The run's market: a pure function of time, readable after the sandbox closed."""
    start_ns: int
    end_ns: int
    """The simulated span the run covered."""
    durations: Mapping[str, float]
    """Wall-clock seconds per phase; the only part that differs between runs."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Run options beyond the seed (`faults`, `set`), recorded in summary.json; empty for a plain replay."""

    @property
    def passed(self) -> bool:
        return not self.failures
