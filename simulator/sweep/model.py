"""What a sweep is made of: the runs it plans and what each one gave.

A `RunSpec` names one seeded world (seed, `--faults`, the `--set`
assignments of its grid point) and prints the `replay` command that
reproduces it. A `RunRecord` is what came back: pass or fail, the failures
with their signatures, the run's metrics, and, for a failing run, the files
of its folder under `failures/` (the whole replay report, or CMD's output).
Both are plain data, so they travel between Dask workers as they are.
"""
from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FailureKind = Literal["expectation", "invariant", "crash", "command"]
"""`expectation`: the scenario's own check; `invariant`: the sandbox checking
itself (a sandbox bug); `crash`: the run raised; `command`: a `--command` CMD
exited non-zero or timed out."""

FAULT_MODES = ("none", "random")
"""`--faults` of `replay`, `sweep` and `shrink`: none, or a profile drawn from the run's seed (`plan`)."""
SWEEP_FILE = "sweep.json"
"""The file that marks a folder as a sweep's, so a later sweep may clear it."""
DEFAULT_TIMEOUT_S = 300.0
"""How long a `--command` CMD may take, unless --timeout says otherwise."""

Metric = float | int | list[float] | list[int] | None


@dataclass(frozen=True)
class RunSpec:
    seed: int
    faults: str
    sets: tuple[str, ...] = ()
    """`PATH=V` of the run's grid point, in the order of the `--vary` options."""

    def replay_command(self, scenario: str) -> str:
        """The command that replays this run byte for byte."""
        words = ["bakkt-sim", "replay", scenario, "--seed", str(self.seed)]
        if self.faults != "none":
            words += ["--faults", self.faults]
        for assignment in self.sets:
            words += ["--set", assignment]
        return shlex.join(words)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "faults": self.faults, "set": list(self.sets)}


@dataclass(frozen=True)
class RunFailure:
    kind: FailureKind
    signature: str
    """Kind and place, values stripped: `steps[3].expect.status`, `invariant:coin-conserved`, `crash`."""
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "signature": self.signature, "message": self.message}


@dataclass(frozen=True)
class RunRecord:
    spec: RunSpec
    failures: tuple[RunFailure, ...]
    metrics: Mapping[str, Metric]
    artifacts: Mapping[str, bytes] = field(default_factory=dict, compare=False)
    """A failing run's folder, relative path -> bytes; empty for a passing one."""

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def signatures(self) -> tuple[str, ...]:
        """The run's distinct signatures, sorted."""
        return tuple(sorted({failure.signature for failure in self.failures}))

    def to_json(self, reproduce: str) -> dict[str, Any]:
        """The run's line in runs.jsonl; `reproduce` is the command that runs it again."""
        return {
            **self.spec.to_json(),
            "passed": self.passed,
            "signatures": list(self.signatures),
            "failures": [failure.to_json() for failure in self.failures],
            "metrics": dict(self.metrics),
            "reproduce": reproduce,
        }


@dataclass(frozen=True)
class Vary:
    """`--vary PATH=V1,V2,...`: the values PATH takes, as `--set` assignments."""

    path: str
    values: tuple[str, ...]

    @property
    def assignments(self) -> tuple[str, ...]:
        return tuple(f"{self.path}={value}" for value in self.values)


@dataclass(frozen=True)
class SweepArguments:
    """What the sweep was asked: recorded in sweep.json and shown on the page."""

    scenario: str
    name: str
    seeds: range
    faults: str
    varies: tuple[Vary, ...]
    keep_failures: int
    command: str | None = None
    timeout: float | None = None
    shrink: bool = False
    points: tuple[tuple[str, ...], ...] = field(default=((),))

    def to_json(self) -> dict[str, Any]:
        return {
            "seeds": [self.seeds.start, self.seeds.stop - 1],
            "faults": self.faults,
            "vary": {vary.path: list(vary.values) for vary in self.varies},
            "keepFailures": self.keep_failures,
            "command": self.command,
            "timeout": self.timeout,
            "shrink": self.shrink,
        }

    def reproduction(self, spec: RunSpec) -> str:
        """The command that runs `spec` again: its replay, or with --command a sweep of that one run."""
        if self.command is None:
            return spec.replay_command(self.scenario)
        words = ["bakkt-sim", "sweep", self.scenario, "--seeds", f"{spec.seed}-{spec.seed}", "--faults", spec.faults]
        for assignment in spec.sets:
            words += ["--vary", assignment]
        words += ["--command", self.command, "--timeout", f"{self.timeout or DEFAULT_TIMEOUT_S:g}"]
        return shlex.join(words)

    def run_folder(self, spec: RunSpec) -> str:
        """`<seed>`, or `<seed>-<grid point number>` when the sweep varies parameters."""
        if len(self.points) == 1:
            return str(spec.seed)
        return f"{spec.seed}-{self.points.index(spec.sets) + 1}"


@dataclass(frozen=True)
class Placement:
    """Where runs execute: `workers` local processes, or the cluster at `scheduler`."""

    workers: int | None = None
    scheduler: str | None = None
