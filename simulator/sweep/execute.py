"""One run of a sweep, as a worker performs it: a pure function of its task.

The task carries the scenario document itself rather than its path, so a
worker on another machine needs only bakkt-sandbox installed. Whatever the
run raises becomes a `crash` failure with its traceback: one world that
breaks never stops the sweep.
"""
from __future__ import annotations

import logging
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.replay.fields import Node
from simulator.replay.loader import parse_scenario
from simulator.replay.outcome import RunResult
from simulator.replay.report import write_report
from simulator.replay.runner import run_scenario
from simulator.replay.scenario import Scenario
from simulator.sweep.metrics import run_metrics
from simulator.sweep.model import RunFailure, RunRecord, RunSpec
from simulator.sweep.plan import apply_overrides, parse_override, run_extras
from simulator.sweep.signature import run_failures

CRASH = "crash"
TRACEBACK_FILE = "traceback.txt"
LOG_FILE = "log.txt"
SANDBOX_LOGGER = "simulator"


@dataclass(frozen=True)
class ScenarioSource:
    """A scenario as the sweep was given it: the path it prints, and the parsed YAML document."""

    path: str
    document: Any

    def scenario(self, sets: tuple[str, ...]) -> Scenario:
        """The scenario of a grid point; raises OverrideError or ScenarioError."""
        overrides = [parse_override(text) for text in sets]
        return parse_scenario(Node(self.path, (), apply_overrides(self.document, overrides)))


def replay_run(source: ScenarioSource, spec: RunSpec) -> RunResult:
    """The replay `spec.replay_command` names, run in memory."""
    overrides = [parse_override(text) for text in spec.sets]
    scenario = source.scenario(spec.sets)
    extras = run_extras(scenario, spec.seed, spec.faults, overrides)
    return run_scenario(scenario, seed=spec.seed, extras=extras)


def execute(source: ScenarioSource, spec: RunSpec, keep_report: bool = True) -> RunRecord:
    """Run one world; a failing run brings its whole replay report back when `keep_report`,
    with what the sandbox logged (S3 retries, a scheduled job's error) in `log.txt`."""
    with captured_logs() as lines:
        try:
            result = replay_run(source, spec)
            failures = run_failures(result.failures)
            metrics = run_metrics(result)
            artifacts = report_files(result) if failures and keep_report else {}
        except Exception:  # noqa: BLE001 - any error of the run is its failure, never the sweep's
            return crashed(spec, traceback.format_exc())
    if artifacts and lines:
        artifacts[LOG_FILE] = "".join(lines).encode()
    return RunRecord(spec, failures, metrics, artifacts)


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """The sandbox's log lines of one run, kept instead of printed.

    A sweep makes thousands of runs, most under faults that log on purpose
    (every failed S3 upload says it will retry): on the workers' stderr they
    would bury the progress bar. They belong with the run that made them.
    """
    lines: list[str] = []
    handler = ListHandler(lines)
    logger = logging.getLogger(SANDBOX_LOGGER)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


class ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.INFO)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + "\n")


def run_chunk(task: Callable[[ScenarioSource, RunSpec], RunRecord], source: ScenarioSource,
              specs: Sequence[RunSpec]) -> list[RunRecord]:
    """Several runs in one task, each as `task` runs it alone."""
    return [task(source, spec) for spec in specs]


def crashed(spec: RunSpec, trace: str) -> RunRecord:
    last = trace.strip().splitlines()[-1] if trace.strip() else "the run raised"
    return RunRecord(spec, (RunFailure("crash", CRASH, last),), {}, {TRACEBACK_FILE: trace.encode()})


def report_files(result: RunResult) -> dict[str, bytes]:
    """The replay report of `result`, as relative path -> bytes."""
    with tempfile.TemporaryDirectory(prefix="bakkt-sweep-") as folder:
        out = Path(folder) / "report"
        write_report(result, out)
        return {
            path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()
        }
