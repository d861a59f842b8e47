"""`--bakkt-faults random` in a test: the sweep's fault profile of the seed, through the control API.

The profile is the run plan's (`sweep/plan.py`), applied as `replay
--faults random` applies it: `faults_body()` to POST /sandbox/v1/faults and
`market_bodies()` to POST /sandbox/v1/market/{symbol} as the sandbox starts,
then each outage edge of `timed_changes()` at its instant. A feature names
neither a market nor a span up front, so the profile covers every instrument
and its outages start within the plan's default horizon (an hour) from the
sandbox's start. Only the clock steps move a scenario's clock, so they make
the edges (`BakktContext.advance`, which splits an advance at each edge as
the replay runner does); a test that moves the clock itself with
`Sandbox.advance` gets every other part of the profile and no outage.
Steps that set the market later (a fixed price and spread, an outage) win,
as any later control call does.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import iso_nanos
from simulator.sweep.plan import FaultProfile, TimedChange, draw_profile
from simulator.testing.context import CONTROL


@dataclass
class RunFaults:
    """One test's profile, and the outage edges its clock has not reached yet."""

    profile: FaultProfile
    start: str
    pending: list[TimedChange] = field(default_factory=list)

    @classmethod
    def draw(cls, seed: int, start: str) -> RunFaults:
        profile = draw_profile(seed, INSTRUMENTS)
        return cls(profile, start, list(profile.timed_changes(start)))

    def setup_calls(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, body) of the POSTs made as the sandbox starts."""
        yield f"{CONTROL}/faults", self.profile.faults_body()
        for symbol, body in self.profile.market_bodies().items():
            yield f"{CONTROL}/market/{symbol}", body

    def due(self, target_ns: int) -> Iterator[TimedChange]:
        """The edges up to and including `target_ns`, in time order, each handed out once."""
        while self.pending and self.pending[0].at_ns <= target_ns:
            yield self.pending.pop(0)

    def described(self) -> dict[str, Any]:
        """The profile as the report shows it: the bodies sent, and the outage edges' instants."""
        changes = self.profile.timed_changes(self.start)
        return {
            "faults": self.profile.faults_body(),
            "market": self.profile.market_bodies(),
            "outages": [{"at": iso_nanos(c.at_ns), "path": c.path, "body": dict(c.body)} for c in changes],
        }
