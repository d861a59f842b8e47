"""`bakkt-sim sweep` end to end on a local Dask cluster (CONTRACT 17)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sweep_support import QUICKSTART, folder_bytes, sweep

from simulator.cli import main


@pytest.fixture(scope="module")
def faulty_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """Four quickstart worlds under random faults, on two workers: its exact prices break, so runs fail."""
    out = tmp_path_factory.mktemp("sweep") / "quickstart-sweep"
    result = sweep(QUICKSTART, "--runs", "4", "--faults", "random", "--workers", "2", "--keep-failures", "2", "--out", out)
    return out, result.output, result.exit_code


def test_a_failing_sweep_exits_1_and_writes_every_file_of_the_contract(faulty_sweep: tuple[Path, str, int]) -> None:
    out, output, code = faulty_sweep
    assert code == 1, output
    assert {path.name for path in out.iterdir()} == {"sweep.json", "runs.jsonl", "report.html", "failures", "run-info.json"}
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["complete"] is True
    assert summary["totals"]["runs"] == 4
    assert summary["totals"]["failed"] == summary["kinds"]["expectation"] > 0
    assert summary["arguments"]["seeds"] == [1, 4]
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert [run["seed"] for run in runs] == [1, 2, 3, 4]
    assert all(run["reproduce"].endswith(f"--seed {run['seed']} --faults random") for run in runs)
    info = json.loads((out / "run-info.json").read_text())
    assert info["workers"] == 2 and info["threadsPerWorker"] == [1]
    assert "report: " in output and "smallest: bakkt-sim replay" in output


def test_each_signature_keeps_the_whole_report_of_its_first_k_failing_runs(faulty_sweep: tuple[Path, str, int]) -> None:
    out, _, _ = faulty_sweep
    summary = json.loads((out / "sweep.json").read_text())
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    for group in summary["failures"]:
        failing = [run["seed"] for run in runs if group["signature"] in run["signatures"]]
        assert group["runs"] == len(failing)
        assert group["smallestSeed"] == failing[0]
        assert [Path(folder).name for folder in group["folders"]] == [str(seed) for seed in failing[:2]]
        for folder in group["folders"]:
            assert (out / folder / "summary.json").is_file() and (out / folder / "report.html").is_file()


def test_the_printed_reproduction_replays_the_failing_run_byte_for_byte(
    faulty_sweep: tuple[Path, str, int], tmp_path: Path
) -> None:
    out, _, _ = faulty_sweep
    group = json.loads((out / "sweep.json").read_text())["failures"][0]
    command = group["reproduce"].split()
    assert command[:3] == ["bakkt-sim", "replay", str(QUICKSTART)]
    replayed = CliRunner().invoke(main, [*command[1:], "--out", str(tmp_path / "again"), "--quiet"])
    assert replayed.exit_code == 1
    kept = folder_bytes(out / group["folders"][0])
    assert folder_bytes(tmp_path / "again").items() <= kept.items()
    assert set(kept) - set(folder_bytes(tmp_path / "again")) == {"log.txt"}  # what the sandbox logged, kept with the run
    failures = json.loads((tmp_path / "again" / "summary.json").read_text())["failures"]
    assert any(failure["where"] in group["signature"] for failure in failures)


def test_the_same_sweep_on_one_worker_gives_the_same_bytes(faulty_sweep: tuple[Path, str, int], tmp_path: Path) -> None:
    out, _, _ = faulty_sweep
    again = tmp_path / "again"
    result = sweep(QUICKSTART, "--runs", "4", "--faults", "random", "--workers", "1", "--keep-failures", "2", "--out", again)
    assert result.exit_code == 1
    assert folder_bytes(again) == folder_bytes(out)


CALM = """\
version: 1
name: calm
start: "2026-03-02T14:00:00Z"
market:
  BTCUSD: {volatility: 0.2}
clients:
  acme:
    accounts: [{count: 1, holdings: {BTC: "1"}}]
steps:
  - as: acme
    request: {method: GET, path: /apex-crypto/api/v2/positions/INV00001}
    expect: {status: 200, body: {positions: [{currency: BTC, current: "1"}]}}
  - advance: {seconds: 3600}
"""


def test_a_sweep_over_a_vary_grid_reports_each_point_and_passes_when_every_run_does(tmp_path: Path) -> None:
    scenario, out = tmp_path / "calm.yaml", tmp_path / "grid"
    scenario.write_text(CALM)
    result = sweep(scenario, "--seeds", "5-6", "--vary", "market.BTCUSD.volatility=0.1,0.9",
                   "--vary", "market.BTCUSD.spreadBps=5,40", "--faults", "random", "--workers", "1", "--out", out)
    assert result.exit_code == 0, result.output
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert [(run["seed"], run["set"]) for run in runs] == [
        (seed, [f"market.BTCUSD.volatility={volatility}", f"market.BTCUSD.spreadBps={spread}"])
        for seed in (5, 6) for volatility in ("0.1", "0.9") for spread in ("5", "40")
    ]
    assert all(run["passed"] for run in runs)
    assert not (out / "failures").exists()
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["arguments"]["vary"] == {"market.BTCUSD.volatility": ["0.1", "0.9"], "market.BTCUSD.spreadBps": ["5", "40"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "--runs"),
        (["--seeds", "9-1"], "ends before"),
        (["--vary", "market.BTCUSD.nope.deeper=1"], "market.BTCUSD.nope"),
        (["--vary", "market.BTCUSD.volatility=a,b"], "market.BTCUSD.volatility"),
        (["--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "--workers and --scheduler"),
        (["--timeout", "3"], "--timeout applies to --command"),
        (["--shrink", "--command", "true"], "--shrink cannot be used with --command"),
        (["--scheduler", "tcp://127.0.0.1:9"], "tcp://127.0.0.1:9"),
    ],
)
def test_invalid_input_exits_2_naming_the_option_and_runs_nothing(args: list[str], message: str, tmp_path: Path) -> None:
    result = sweep(QUICKSTART, *args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_scenario_that_is_not_valid_is_named_with_its_key(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nname: broken\nsteps: [{advance: {sekonds: 3}}]\n")
    result = sweep(broken, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert str(broken) in result.output and "sekonds" in result.output


def test_a_folder_that_holds_something_else_is_never_cleared(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = sweep(QUICKSTART, "--runs", "1", "--out", tmp_path)
    assert result.exit_code == 2 and "sweep.json" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"
