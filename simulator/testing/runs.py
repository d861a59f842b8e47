"""`--bakkt-seeds N|A-B` and `--bakkt-faults random` (CONTRACT section 18): a test over many seeded worlds.

A test that uses the sandbox fixtures is parametrized through the
`bakkt_run` fixture, once per seed, so its id ends `[bakkt-seed=S]` and
pytest's own selection, reports and pytest-xdist's distribution treat each
seed as a test of its own. The run's seed wins over the test's own (marker,
ini, or a feature's `Given a sandbox with seed ...`); the test still picks
its start.
`--bakkt-faults random` draws the seed's fault profile as a sweep does
(`run_faults`).

Such an id is also an address: a command line whose node ids name seeds
runs those seeds without `--bakkt-seeds`, so the rerun command a failure
ends with is just the node id and the fault mode.
"""
from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import pytest
from _pytest._code.code import ExceptionRepr

from simulator.sweep.model import FAULT_MODES
from simulator.testing.attachments import Attachment

SEEDS_OPTION = "--bakkt-seeds"
FAULTS_OPTION = "--bakkt-faults"
RUN_FIXTURE = "bakkt_run"
"""The sandbox fixtures depend on it: a test whose fixtures reach it uses a sandbox."""
SEED_ID = "bakkt-seed="
NAMED_SEED = re.compile(rf"[\[-]{SEED_ID}(-?\d+)\]")
SEEDS = pytest.StashKey[tuple[int, ...]]()
"""The run's seeds; empty when each test keeps its own."""
RUN = pytest.StashKey["RunOptions"]()
"""Set on a test's item by `bakkt_run`: the test uses a sandbox, under these options."""
RERUN_TITLE = "bakkt run: rerun just this test with"
RUN_JSON = "run.json"


@dataclass(frozen=True)
class RunOptions:
    """What the command line says about one test's world."""

    seed: int | None = None
    """The seed from `--bakkt-seeds`; None: the test's own."""
    faults: str = "none"

    @property
    def active(self) -> bool:
        return self.seed is not None or self.faults != "none"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("bakkt")
    group.addoption(
        SEEDS_OPTION,
        dest="bakkt_seeds",
        metavar="N|A-B",
        default=None,
        help="run every test that uses the bakkt sandbox fixtures (Gherkin scenarios included) once per seed, "
        "1..N or A..B, its id suffixed [bakkt-seed=S]; the seed replaces the test's own",
    )
    group.addoption(
        FAULTS_OPTION,
        dest="bakkt_faults",
        choices=FAULT_MODES,
        default="none",
        help="random: draw each test's fault profile (queue duplicates and delays, S3 upload failures, "
        "fill latency, outages, volatility and spread) from its seed, as `bakkt-sim sweep --faults random`",
    )


def configure_runs(config: pytest.Config) -> None:
    config.stash[SEEDS] = run_seeds(config.option.bakkt_seeds, config.args)


def run_seeds(option: str | None, args: Sequence[str]) -> tuple[int, ...]:
    """The option's seeds (N is 1..N, A-B is A..B, read by the sweep's parser); without it, the
    seeds the command line's node ids name, so a node id copied from a report reruns its seed."""
    if option is None:
        return tuple(sorted({int(seed) for arg in args for seed in NAMED_SEED.findall(arg)}))
    from simulator.sweep.grid import SweepInputError, seeds_of  # with the replay engine: only when the option is given

    try:
        seeds = seeds_of(int(option), None) if option.strip().isdigit() else seeds_of(None, option)
    except SweepInputError as exc:
        raise pytest.UsageError(f"{SEEDS_OPTION} {option}: expected N or A-B, such as 20 or 1-200 ({exc})") from None
    return tuple(seeds)


def parametrize_seeds(metafunc: pytest.Metafunc) -> None:
    """One call per seed for a test whose fixtures reach the sandbox's, or a Gherkin scenario whose
    steps do. A scenario asks for its steps' fixtures only as it runs, so `bakkt_run` is added to
    what it uses here."""
    seeds = metafunc.config.stash.get(SEEDS, ())
    if not seeds or not uses_sandbox(metafunc):
        return
    if RUN_FIXTURE not in metafunc.fixturenames:
        metafunc.fixturenames.append(RUN_FIXTURE)
    metafunc.parametrize(RUN_FIXTURE, seeds, indirect=True, ids=[f"{SEED_ID}{seed}" for seed in seeds])


def uses_sandbox(metafunc: pytest.Metafunc) -> bool:
    if RUN_FIXTURE in metafunc.fixturenames:
        return True
    if not metafunc.config.pluginmanager.hasplugin("pytest-bdd"):
        return False
    from simulator.testing.scenario_fixtures import scenario_reaches

    return scenario_reaches(metafunc, RUN_FIXTURE)


def rerun_command(item: pytest.Item, run: RunOptions) -> str:
    """`python -m pytest NODE [--bakkt-faults random]`, the node's file relative to where pytest
    was started: the seed is in the node id."""
    path = PurePath(os.path.relpath(item.path, item.config.invocation_params.dir)).as_posix()
    _, _, names = item.nodeid.partition("::")
    words = ["python", "-m", "pytest", f"{path}::{names}" if names else path]
    if run.faults != "none":
        words += [FAULTS_OPTION, run.faults]
    return shlex.join(words)


def end_with_rerun(report: pytest.TestReport, item: pytest.Item, described: str) -> None:
    """A failed report's text ends with what the run was and the command that reruns just it:
    pytest's terminal, the JUnit failure, the HTML log and Cucumber's error_message all show it."""
    text = "\n".join(line for line in (described, rerun_command(item, item.stash[RUN])) if line)
    if isinstance(report.longrepr, ExceptionRepr):
        report.longrepr.addsection(RERUN_TITLE, text)
    else:
        report.longrepr = f"{report.longreprtext}\n{RERUN_TITLE}:\n{text}"


def run_attachments(item: pytest.Item, details: dict[str, Any]) -> tuple[Attachment, ...]:
    """`run.json` beside the test's outputs when the run options are on: its seed and where it came
    from, its fault profile, and the command that reruns it. Nothing otherwise, so a plain run's
    reports stay as they were."""
    run = item.stash[RUN]
    if not run.active:
        return ()
    body = json.dumps({**details, "rerun": rerun_command(item, run)}, indent=2, sort_keys=True) + "\n"
    return (Attachment(RUN_JSON, body.encode("utf-8")),)
