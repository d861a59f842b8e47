"""Replaying a scenario twice writes the same bytes in every report file but run-info.json.

Every scenarios/*.yaml is covered as soon as it is added, and every file the
report folder holds is compared, whatever the report writer adds later. The
first replay of each scenario runs in a fresh interpreter with its own hash
seed, the second in this test process after whatever ran before it, so
neither the order of a set nor state left behind by an earlier sandbox can
change a byte unnoticed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.replay.report import RUN_INFO, SUMMARY

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))

REPLAY_EACH = """\
import sys
from simulator.cli import main
for scenario, out in zip(sys.argv[1::2], sys.argv[2::2]):
    main.main(["replay", "--quiet", scenario, "--out", out], standalone_mode=False)
"""
"""`bakkt-sim replay` for each (scenario, folder) pair, in one interpreter to pay its start-up once."""


def report_files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def replayed_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two folders holding a report per scenario: one from a fresh interpreter, one from this process.

    The two replay side by side, so the test takes about as long as one pass.
    """
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    pairs = [str(argument) for scenario in SCENARIOS for argument in (scenario, first / scenario.stem)]
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONHASHSEED"}
    command = [sys.executable, "-c", REPLAY_EACH, *pairs]
    with subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as fresh:
        for scenario in SCENARIOS:
            arguments = ["replay", "--quiet", str(scenario), "--out", str(second / scenario.stem)]
            CliRunner().invoke(main, arguments, catch_exceptions=False)
        _, errors = fresh.communicate(timeout=600)
    assert fresh.returncode == 0, errors
    return first, second


def test_every_scenario_in_the_folder_is_covered() -> None:
    assert {"quickstart", "week-net-settlement"} <= {scenario.stem for scenario in SCENARIOS}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda path: path.stem)
def test_a_second_replay_writes_the_same_bytes_in_all_but_run_info(
    scenario: Path, replayed_twice: tuple[Path, Path]
) -> None:
    first, second = (report_files(folder / scenario.stem) for folder in replayed_twice)
    assert {SUMMARY, RUN_INFO} <= first.keys(), f"{scenario.name}: the first replay wrote no report"
    in_one_only = sorted(first.keys() ^ second.keys())
    assert not in_one_only, f"{scenario.name}: files written by one replay only: {', '.join(in_one_only)}"
    differing = [name for name in first if name != RUN_INFO and first[name] != second[name]]
    assert not differing, f"{scenario.name}: files whose bytes differ between two replays: {', '.join(differing)}"
