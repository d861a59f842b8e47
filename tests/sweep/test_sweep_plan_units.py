"""The parts of a sweep that need no cluster: seeds, the grid, signatures, grouping."""
from __future__ import annotations

import pytest

from simulator.replay.outcome import Failure
from simulator.sweep.grid import SweepInputError, grid_points, parse_vary, run_specs, seeds_of
from simulator.sweep.model import RunFailure, RunRecord, RunSpec, SweepArguments
from simulator.sweep.output import group_failures, reported_runs, signature_folder, sweep_summary
from simulator.sweep.signature import run_failures, signature_of


def test_runs_are_seeds_one_to_n_and_seeds_a_range_with_both_ends() -> None:
    assert list(seeds_of(None, None)) == list(range(1, 101))
    assert list(seeds_of(3, None)) == [1, 2, 3]
    assert list(seeds_of(None, "5-8")) == [5, 6, 7, 8]
    assert list(seeds_of(None, " 9 - 9 ")) == [9]


@pytest.mark.parametrize(
    ("runs", "seeds", "problem"),
    [(0, None, "--runs"), (None, "8-5", "ends before"), (None, "a-b", "not a range"), (3, "1-2", "together")],
)
def test_seed_options_that_name_no_runs_are_refused(runs: int | None, seeds: str | None, problem: str) -> None:
    with pytest.raises(SweepInputError, match=problem):
        seeds_of(runs, seeds)


def test_the_grid_crosses_every_varied_value_in_option_order_seed_first() -> None:
    points = grid_points([parse_vary("market.BTCUSD.volatility=0.1,0.5"), parse_vary("market.BTCUSD.spreadBps=5,20")])
    assert points == [
        ("market.BTCUSD.volatility=0.1", "market.BTCUSD.spreadBps=5"),
        ("market.BTCUSD.volatility=0.1", "market.BTCUSD.spreadBps=20"),
        ("market.BTCUSD.volatility=0.5", "market.BTCUSD.spreadBps=5"),
        ("market.BTCUSD.volatility=0.5", "market.BTCUSD.spreadBps=20"),
    ]
    specs = run_specs(range(1, 3), points, "random")
    assert [(spec.seed, spec.sets) for spec in specs[:5]] == [(1, point) for point in points] + [(2, points[0])]
    assert grid_points([]) == [()]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("market.BTCUSD.volatility", "expected PATH=V1"), ("x=1,,2", "expected PATH=V1"), ("x=1,1", "twice"),
     ("seed=1,2", "--seed")],
)
def test_a_vary_that_is_not_a_list_of_values_is_refused(text: str, problem: str) -> None:
    with pytest.raises(SweepInputError, match=problem):
        parse_vary(text)


def test_the_same_path_varied_twice_is_refused() -> None:
    with pytest.raises(SweepInputError, match="varied twice"):
        grid_points([parse_vary("a.b=1,2"), parse_vary("a.b=3")])


def test_the_reproduction_command_names_seed_faults_and_sets_quoted_for_a_shell() -> None:
    spec = RunSpec(12, "random", ("market.BTCUSD.price=43000 .5",))
    assert spec.replay_command("scenarios/q.yaml") == (
        "bakkt-sim replay scenarios/q.yaml --seed 12 --faults random --set 'market.BTCUSD.price=43000 .5'"
    )
    assert RunSpec(3, "none").replay_command("q.yaml") == "bakkt-sim replay q.yaml --seed 3"


@pytest.mark.parametrize(
    ("failure", "signature"),
    [
        (Failure("steps[3].expect", "POST /x\nstatus: expected 200, actual 400\nanswer: {}"), "steps[3].expect.status"),
        (Failure("steps[21].expect", "POST /x\nbody.price: expected '1', actual '2'\nbody.netMoney: expected"),
         "steps[21].expect.body.price"),
        (Failure("steps[38].expect", "GET /p\nbody.positions[0].current: expected '1', actual '2'"),
         "steps[38].expect.body.positions[0].current"),
        (Failure("expect.files[0]", "no file a.csv for acme; its files: b.csv"), "expect.files[0]"),
        (Failure("invariant:coin-conserved", "BTC: 1 more than went in"), "invariant:coin-conserved"),
        (Failure("emails/0003-finance-acme.test.eml", "cannot be written"), "emails.unwritable"),
    ],
)
def test_a_signature_is_the_place_and_first_field_with_values_stripped(failure: Failure, signature: str) -> None:
    assert signature_of(failure) == signature


def test_run_failures_keep_one_failure_per_signature_and_tell_invariants_apart() -> None:
    failures = run_failures([
        Failure("steps[1].expect", "GET /a\nstatus: expected 200, actual 404"),
        Failure("steps[1].expect", "GET /a\nstatus: expected 200, actual 500"),
        Failure("invariant:no-5xx", "GET /a answered 500"),
    ])
    assert [(failure.kind, failure.signature) for failure in failures] == [
        ("expectation", "steps[1].expect.status"), ("invariant", "invariant:no-5xx")]


def record(seed: int, *signatures: str, sets: tuple[str, ...] = ()) -> RunRecord:
    kind = lambda signature: "invariant" if signature.startswith("invariant:") else "expectation"  # noqa: E731
    return RunRecord(RunSpec(seed, "random", sets), tuple(RunFailure(kind(s), s, f"{s} at {seed}") for s in signatures), {})


def test_failures_group_by_signature_most_frequent_first_and_keep_the_first_k() -> None:
    records = [record(1, "a"), record(2), record(3, "a", "b"), record(4, "invariant:x", "a"), record(5, "b")]
    groups = group_failures(records)
    assert [(group.signature, [r.spec.seed for r in group.records]) for group in groups] == [
        ("a", [1, 3, 4]), ("b", [3, 5]), ("invariant:x", [4])]
    assert [spec.seed for spec in reported_runs(groups, 2)] == [1, 3, 5, 4]
    assert [spec.seed for spec in reported_runs(groups, 0)] == []


def test_the_summary_counts_runs_by_kind_and_names_the_smallest_failing_run_of_each_signature() -> None:
    arguments = SweepArguments("s.yaml", "s", range(1, 6), "random", (), keep_failures=1)
    summary = sweep_summary(arguments, [record(3, "a"), record(1), record(2, "a", "invariant:x")], True, {})
    assert summary["totals"] == {"runs": 3, "passed": 1, "failed": 2}
    assert summary["kinds"] == {"expectation": 2, "invariant": 1, "crash": 0, "command": 0}
    first = summary["failures"][0]
    assert (first["signature"], first["runs"], first["smallestSeed"]) == ("a", 2, 2)
    assert first["reproduce"] == "bakkt-sim replay s.yaml --seed 2 --faults random"
    assert first["folders"] == ["failures/a/3"]
    assert first["message"] == "a at 2"


def test_run_folders_name_the_grid_point_only_when_the_sweep_varies() -> None:
    points = (("v=1",), ("v=2",))
    varied = SweepArguments("s.yaml", "s", range(1, 2), "none", (), 3, points=points)
    assert varied.run_folder(RunSpec(7, "none", ("v=2",))) == "7-2"
    plain = SweepArguments("s.yaml", "s", range(1, 2), "none", (), 3)
    assert plain.run_folder(RunSpec(7, "none")) == "7"


def test_signature_folders_are_file_names() -> None:
    assert signature_folder("invariant:coin-conserved") == "invariant-coin-conserved"
    assert signature_folder("steps[3].expect.body.positions[0].current") == "steps[3].expect.body.positions[0].current"
    assert signature_folder("../x/y") == "-x-y"
