"""A run's metrics, checked against what the run itself shows by another road.

Each expected value comes from a different source than the metric reads:
rejects from the scenario's own expectations (which the replay confirmed),
fills from the answers' completed allocations and order executions, net
settlement from the summary files' text, and fill prices against the mid
from the settlement detail rows.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.clock import parse_instant
from simulator.replay.outcome import RunResult
from simulator.replay.source import read_yaml
from simulator.sweep.execute import ScenarioSource, replay_run
from simulator.sweep.metrics import DESCRIPTIONS, run_metrics
from simulator.sweep.model import Metric, RunSpec

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FLAT_MID = Decimal("43000.00")
"""The price of every scenario below: volatility 0, so the mid never moves."""
NET_LINE = "Net Settlement,"


def replay(name: str, seed: int | None = None, faults: str = "none", sets: tuple[str, ...] = ()) -> tuple[Any, RunResult]:
    path = SCENARIOS / f"{name}.yaml"
    document = read_yaml(path)
    spec = RunSpec(document["seed"] if seed is None else seed, faults, sets)
    return document, replay_run(ScenarioSource(f"scenarios/{name}.yaml", document), spec)


def bps(price: Decimal, mid: Decimal, side: str) -> float:
    worse = mid - price if side == "SELL" else price - mid
    return float(round(worse / mid * 10_000, 2))


def expected_rejects(document: Mapping[str, Any]) -> int:
    """Steps the scenario expects refused: a 4xx, or a write answered REJECTED or with a rejectReason."""
    count = 0
    for step in document["steps"]:
        if "request" not in step:
            continue
        expect = step.get("expect", {})
        body = expect.get("body") if isinstance(expect.get("body"), dict) else {}
        status = expect.get("status")
        refused_body = step["request"]["method"] != "GET" and (body.get("status") == "REJECTED" or "rejectReason" in body)
        count += (isinstance(status, int) and 400 <= status < 500) or refused_body
    return count


def completed_answers(result: RunResult) -> dict[str, tuple[str, Decimal]]:
    """Every completed allocation or gift an answer showed, by id: (side, price)."""
    found = {}
    for record in result.requests:
        answer = record.response
        if isinstance(answer, dict) and answer.get("status") == "COMPLETE" and "price" in answer:
            found[answer["id"]] = (str(answer["request"].get("side", "GIFT")), Decimal(answer["price"]))
    return found


def answered_executions(result: RunResult) -> dict[str, tuple[str, Decimal]]:
    """Every order execution an answer listed, by execution id: (side, price)."""
    return {
        execution["id"]: (execution["side"], Decimal(execution["price"]))
        for record in result.requests
        if isinstance(record.response, dict)
        for execution in record.response.get("executions", [])
    }


def stated_nets(result: RunResult) -> list[float]:
    """The Net Settlement line of each summary file, by client then key."""
    summaries = sorted((f.client, f.key, f.body) for f in result.files if f.key.endswith("settlement_summary.csv"))
    nets = []
    for _, _, body in summaries:
        line = next(line for line in body.decode().splitlines() if line.startswith(NET_LINE))
        nets.append(float(line.removeprefix(NET_LINE)))
    return nets


def values(metric: Metric) -> list[float]:
    """A list metric's values, sorted: the order of fills is the journal's, not what is checked here."""
    assert isinstance(metric, list)
    return sorted(metric)


def detail_rows(result: RunResult) -> Iterator[dict[str, str]]:
    for stored in result.files:
        if stored.key.endswith("settlement_detail.csv"):
            yield from csv.DictReader(io.StringIO(stored.body.decode().partition("\n\n")[2]))


def test_quickstart_metrics_match_its_answers_and_files() -> None:
    document, result = replay("quickstart")
    metrics = run_metrics(result)
    assert result.passed
    assert metrics["requests"] == len(result.requests) == 48
    assert metrics["status5xx"] == 0
    assert metrics["rejects"] == expected_rejects(document) == 14
    completed = completed_answers(result)
    assert metrics["fills"] == len(completed) == 7
    assert values(metrics["fillVsMidBps"]) == sorted(bps(price, FLAT_MID, side) for side, price in completed.values())
    assert metrics["netSettlement"] == stated_nets(result) == [0.0, 912.01, 0.0, 0.0]


def test_a_week_of_windows_gives_each_windows_net_in_order() -> None:
    _, result = replay("week-net-settlement")
    nets = run_metrics(result)["netSettlement"]
    assert nets == stated_nets(result) == [0.0, -400.25, 0.22, 430.22, 120.25, 0.0, 0.0, 0.0]


def test_order_executions_count_once_each_at_their_provider_price() -> None:
    document, result = replay("orders")
    metrics = run_metrics(result)
    executions = answered_executions(result)
    assert metrics["rejects"] == expected_rejects(document) == 7
    assert metrics["fills"] == len(executions) == 3
    # LP-ALPHA quotes 5 bps from the mid, LP-BRAVO 1.5 times that: a BUY that sweeps past ALPHA pays 7.5.
    assert values(metrics["fillVsMidBps"]) == sorted(bps(price, FLAT_MID, side) for side, price in executions.values()) == [5.0, 5.0, 7.5]


def test_gifts_are_fills_at_the_ask() -> None:
    _, result = replay("gifting")
    metrics = run_metrics(result)
    gifts = completed_answers(result)
    assert metrics["fills"] == len(gifts) == 3
    assert metrics["fillVsMidBps"] == [bps(price, FLAT_MID, "BUY") for _, price in gifts.values()] == [5.0, 5.0, 5.0]
    assert metrics["netSettlement"] == []


def test_on_a_moving_market_each_fill_is_measured_against_the_mid_of_its_instant() -> None:
    """The settlement detail rows give each execution's time, side and price; the market gives the mid then."""
    _, result = replay("quickstart", seed=2, faults="random", sets=("market.BTCUSD.volatility=0.5",))
    metrics = run_metrics(result)
    from_details = [
        bps(Decimal(row["Last Price"]), result.market.book("BTCUSD", parse_instant(row["Execution Time"])).mid, row["Side"])
        for row in detail_rows(result)
        if row["Side"] in ("BUY", "SELL")
    ]
    measured = values(metrics["fillVsMidBps"])
    assert len(from_details) == metrics["fills"]
    assert measured == sorted(from_details) != []
    assert len(set(measured)) > 1, "a moving market gives fills different distances from the mid"


@pytest.mark.parametrize("scenario", ["quickstart", "week-net-settlement", "orders"])
def test_metrics_are_json_stable_and_the_same_for_the_same_run(scenario: str) -> None:
    first = run_metrics(replay(scenario, faults="random")[1])
    again = run_metrics(replay(scenario, faults="random")[1])
    assert json.dumps(first) == json.dumps(again)
    assert json.loads(json.dumps(first)) == first
    assert list(first) == list(DESCRIPTIONS), "every metric is described, in the order it is written"
    for name in ("fillVsMidBps", "netSettlement"):
        assert all(isinstance(value, float) and round(value, 2) == value for value in values(first[name]))
