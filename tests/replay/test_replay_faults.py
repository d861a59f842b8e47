"""`replay --faults random --set PATH=V`: a run's options reproduce it byte for byte."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.replay.report import RUN_INFO

QUICKSTART = str(Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml")


def replay(out: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["replay", QUICKSTART, "--quiet", "--out", str(out), *args])


def report_bytes(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RUN_INFO
    }


def test_random_faults_are_reproducible_and_change_the_run(tmp_path: Path) -> None:
    first = replay(tmp_path / "a", "--seed", "4", "--faults", "random")
    second = replay(tmp_path / "b", "--seed", "4", "--faults", "random")
    plain = replay(tmp_path / "c", "--seed", "4", "--faults", "none")
    for result in (first, second, plain):
        assert result.exit_code in (0, 1), result.output
    assert report_bytes(tmp_path / "a") == report_bytes(tmp_path / "b")
    assert report_bytes(tmp_path / "a") != report_bytes(tmp_path / "c")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["options"] == {"faults": "random", "set": []}
    assert summary["seed"] == 4
    requests = (tmp_path / "a" / "requests.jsonl").read_text()
    assert '"path": "/sandbox/v1/faults"' in requests


def test_set_changes_what_it_names(tmp_path: Path) -> None:
    result = replay(tmp_path / "s", "--set", "market.BTCUSD.spreadBps=40")
    assert result.exit_code in (0, 1), result.output
    first = json.loads((tmp_path / "s" / "requests.jsonl").read_text().splitlines()[0])
    assert first["path"] == "/sandbox/v1/market/BTCUSD"
    assert first["body"]["spreadBps"] == 40
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["options"] == {"faults": "none", "set": ["market.BTCUSD.spreadBps=40"]}


@pytest.mark.parametrize(
    ("assignment", "named"),
    [
        ("market.ETHUSD.volatility=0.9", "market.ETHUSD"),
        ("clients.acme.nope=1", "clients.acme.nope"),
        ("market.BTCUSD.volatility=99", "market.BTCUSD.volatility"),
        ("seed=3", "seed"),
    ],
)
def test_set_refuses_a_bad_path_with_exit_2(tmp_path: Path, assignment: str, named: str) -> None:
    result = replay(tmp_path / "bad", "--set", assignment)
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("seed", range(1, 11))
def test_quickstart_under_random_faults_never_crashes(tmp_path: Path, seed: int) -> None:
    result = replay(tmp_path / "q", "--seed", str(seed), "--faults", "random")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
