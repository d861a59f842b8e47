"""What a running replay tells its watcher: after setup, then after each step.

A long replay (thousands of steps, or a simulated week of cutoffs) would
otherwise be silent until the report is written. `run_scenario` hands one
`ReplayProgress` to an optional callback at each stage; how it is shown (a
bar, a log line per call, nothing) is the caller's business.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.replay.outcome import RequestRecord

SETUP = "setup"


@dataclass(frozen=True)
class ReplayProgress:
    """One finished stage of a replay: the setup, or one step."""

    where: str
    """`setup`, or the step's place in the scenario (`steps[3]`)."""
    done: int
    """Steps finished so far; 0 after the setup."""
    total: int
    """Steps in the scenario."""
    now_ns: int
    """The simulated instant reached: every call of this stage happened at it,
    since only a stage's leading clock advance moves time."""
    requests: tuple[RequestRecord, ...]
    """The calls this stage made, logins and clock advances included."""


ProgressCallback = Callable[[ReplayProgress], None]
