"""The invariants in whole runs: replays report them, healthy worlds keep them,
and on moto a client's own deletions never count against the sandbox."""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from sandbox_session import Client, advance, drain_queue, list_files, uid

from simulator import Sandbox
from simulator.adapters.naming import REGION
from simulator.cli import main
from simulator.replay.loader import load_scenario
from simulator.replay.outcome import Failure
from simulator.replay.runner import run_scenario
from simulator.service import accounts
from simulator.service.invariants import Violation, check_invariants
from simulator.sweep.plan import run_extras

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NAMES = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))
BROKEN_POSITIONS = Failure("invariant:no-5xx", "1 answers had status 500")


def invariant_failures(failures: tuple[Failure, ...]) -> list[Failure]:
    return [failure for failure in failures if failure.where.startswith("invariant:")]


@pytest.mark.parametrize("name", NAMES)
def test_a_shipped_scenario_passes_with_its_own_seed(name: str) -> None:
    result = run_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))
    assert result.failures == ()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", ["quickstart", "week-net-settlement", "week-apex-tpj", "orders", "gifting"])
def test_a_world_of_random_faults_breaks_no_invariant(name: str, seed: int) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    result = run_scenario(scenario, seed=seed, extras=run_extras(scenario, seed, "random", []))
    assert result.options["faults"] == "random"
    assert invariant_failures(result.failures) == []


def break_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler bug: the positions route answers 500 (quickstart reads INV00003's once)."""

    def broken(*_: object) -> None:
        raise RuntimeError("a bug in positions")

    monkeypatch.setattr(accounts, "positions", broken)


def test_a_replay_reports_a_broken_invariant_after_its_expectations(monkeypatch: pytest.MonkeyPatch) -> None:
    break_positions(monkeypatch)
    result = run_scenario(load_scenario(SCENARIOS / "quickstart.yaml"))
    assert not result.passed
    assert result.failures[-1] == BROKEN_POSITIONS
    assert [f.where for f in result.failures[:-1]] == ["steps[38].expect"]


def test_bakkt_sim_replay_exits_1_on_a_broken_invariant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The reproduction command a sweep prints shows the invariant too."""
    break_positions(monkeypatch)
    out = tmp_path / "report"
    args = ["replay", str(SCENARIOS / "quickstart.yaml"), "--seed", "4", "--faults", "random", "--out", str(out), "--quiet"]
    done = CliRunner().invoke(main, args, catch_exceptions=False)
    assert done.exit_code == 1
    assert "  invariant:no-5xx\n    1 answers had status 500" in done.output
    summary = json.loads((out / "summary.json").read_text())
    assert BROKEN_POSITIONS.to_json() in summary["failures"]


def test_a_client_deleting_its_queue_and_bucket_breaks_nothing_on_moto(sandbox: Sandbox, acme: Client) -> None:
    boto3.client("sqs", region_name=REGION).delete_queue(QueueUrl=acme.queue_url)
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket=acme.provisioning["bucket"])
    batch = uid("moto-batch")
    acme.open_batch(batch)
    acme.allocate(batch, uid("moto-buy"), "INV00001", "200")
    assert acme.close_batch(batch, 1).status_code == 200
    advance(sandbox, to="2026-03-03T15:00:00Z")
    assert [row["key"] for row in list_files(sandbox, "acme")][-2:] == [
        "eod_settlement/2026-03-03settlement_detail.csv",
        "eod_settlement/2026-03-03settlement_summary.csv",
    ]
    assert len(drain_queue(acme.queue_url)) == 4
    assert check_invariants(sandbox.core, (200, 201)) == []


def test_a_delivery_lost_on_moto_is_a_violation(sandbox: Sandbox, acme: Client) -> None:
    batch = uid("moto-batch")
    acme.open_batch(batch)
    delivered = sandbox.core.outbox.delivered[acme.queue_url]
    (entry,) = sandbox.core.journal.entries
    assert delivered == [entry.envelope]
    delivered.clear()
    assert check_invariants(sandbox.core, ()) == [
        Violation(
            "queue-journal",
            f"client acme: 1 journal entries due by 2026-03-02T14:00:00.000Z never reached {acme.queue_url}"
            f" (#1 allocation/batch/1 {entry.message_id})",
        )
    ]
