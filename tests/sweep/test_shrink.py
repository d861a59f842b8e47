"""Shrinking a failing scenario: what comes back loads, replays to the same failure, and loses it without any one of its steps."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from simulator.replay.loader import load_scenario
from simulator.replay.source import read_yaml
from simulator.sweep import shrink as shrink_module
from simulator.sweep.execute import CRASH, ScenarioSource, replay_run
from simulator.sweep.model import RunSpec
from simulator.sweep.shrink import NothingToShrink, ShrinkResult, dump_scenario, shrink
from simulator.sweep.signature import run_failures

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STEP_INDEX = re.compile(r"^steps\[(\d+)\]")


def source(name: str) -> ScenarioSource:
    path = SCENARIOS / name
    return ScenarioSource(str(path), read_yaml(path))


def signatures(document: Any, seed: int, faults: str, sets: tuple[str, ...] = ()) -> list[str]:
    result = replay_run(ScenarioSource("candidate.yaml", document), RunSpec(seed, faults, sets))
    return [failure.signature for failure in run_failures(result.failures)]


def failing_step(signature: str) -> int:
    match = STEP_INDEX.match(signature)
    assert match is not None, signature
    return int(match[1])


def after_removing(signature: str, removed: int) -> str:
    """The signature of the same step once step `removed`, an earlier or later one, is gone."""
    index = failing_step(signature)
    return STEP_INDEX.sub(f"steps[{index - 1 if removed < index else index}]", signature, count=1)


@dataclass(frozen=True)
class Case:
    scenario: str
    seed: int
    faults: str
    sets: tuple[str, ...] = ()


CASES = {
    # fault profile drawn from seed 2: fills away from the flat market's price
    "random-faults": Case("quickstart.yaml", 2, "random"),
    # a passing run made to fail by an expected value changed with --set
    "set": Case("quickstart.yaml", 1, "none", ("steps.21.expect.body.price=1",)),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def shrunk(request: pytest.FixtureRequest) -> tuple[Case, ShrinkResult]:
    case = CASES[request.param]
    return case, shrink(source(case.scenario), case.seed, case.faults, case.sets)


def test_the_runs_first_signature_is_kept(shrunk: tuple[Case, ShrinkResult]) -> None:
    case, result = shrunk
    original = signatures(source(case.scenario).document, case.seed, case.faults, case.sets)
    assert result.signature == original[0] == "steps[21].expect.body.price"


def test_the_written_scenario_loads_and_replays_to_the_failure(shrunk: tuple[Case, ShrinkResult], tmp_path: Path) -> None:
    case, result = shrunk
    path = tmp_path / "min.yaml"
    path.write_text(dump_scenario(result.document), encoding="utf-8")
    scenario = load_scenario(path)
    assert len(scenario.steps) == result.steps[1]
    assert result.signature_now in signatures(read_yaml(path), case.seed, case.faults)


def test_fewer_steps_and_expectations(shrunk: tuple[Case, ShrinkResult]) -> None:
    case, result = shrunk
    before = len(source(case.scenario).document["steps"])
    assert result.steps == (before, len(result.document["steps"]))
    assert result.steps[1] < before
    assert result.expectations[1] < result.expectations[0]
    assert failing_step(result.signature_now) < result.steps[1]


def test_no_single_step_can_go(shrunk: tuple[Case, ShrinkResult]) -> None:
    case, result = shrunk
    steps = result.document["steps"]
    own = failing_step(result.signature_now)
    for removed in range(len(steps)):
        if removed == own:
            continue  # the failure is this step's own
        document = {**result.document, "steps": steps[:removed] + steps[removed + 1 :]}
        assert after_removing(result.signature_now, removed) not in signatures(document, case.seed, case.faults), removed


def test_the_set_is_in_the_document(shrunk: tuple[Case, ShrinkResult]) -> None:
    case, result = shrunk
    failing = result.document["steps"][failing_step(result.signature_now)]
    price = failing["expect"]["body"]["price"]
    assert price == (1 if case.sets else "43021.50")


def test_the_checks_before_the_failing_field_stay(shrunk: tuple[Case, ShrinkResult]) -> None:
    """status and body.status held in the failing run: a price with no fill behind it would be another failure."""
    _, result = shrunk
    failing = result.document["steps"][failing_step(result.signature_now)]
    assert list(failing["expect"]) == ["status", "body"]
    assert list(failing["expect"]["body"]) == ["status", "price"]


def test_a_final_expectation_is_renumbered() -> None:
    original = source("week-apex-tpj.yaml")
    result = shrink(original, 1, "random", signature="expect.files[2]")
    assert (result.signature, result.signature_now) == ("expect.files[2]", "expect.files[0]")
    assert result.document["expect"] == {"files": [original.document["expect"]["files"][2]]}
    assert result.signature_now in signatures(result.document, 1, "random")


def test_progress_hears_every_run() -> None:
    heard: list[tuple[int, int]] = []
    result = shrink(source("gifting.yaml"), 1, "random", on_try=lambda tries, steps: heard.append((tries, steps)))
    assert [tries for tries, _ in heard] == list(range(1, result.tries + 1))
    assert heard[0][1] == result.steps[0]
    assert heard[-1][1] == result.steps[1]
    assert all(later <= earlier for (_, earlier), (_, later) in zip(heard, heard[1:], strict=False))


def test_a_passing_run_has_nothing_to_shrink() -> None:
    with pytest.raises(NothingToShrink, match="passes"):
        shrink(source("quickstart.yaml"), 1, "none")


def test_a_signature_the_run_does_not_fail_with() -> None:
    with pytest.raises(NothingToShrink, match=r"does not fail with invariant:coin-conserved; its failures: steps\[2\]"):
        shrink(source("gifting.yaml"), 1, "random", signature="invariant:coin-conserved")


def test_a_crash_keeps_just_the_steps_that_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """ddmin finds two steps that raise only together; every expectation goes, since none makes it raise."""
    original = source("session-expiry.yaml")
    culprits = [action(original.document["steps"][index]) for index in (2, 5)]

    def raising(candidate: ScenarioSource, spec: RunSpec) -> Any:
        if all(step in map(action, candidate.document.get("steps", [])) for step in culprits):
            raise RuntimeError("boom")
        return replay_run(candidate, spec)

    monkeypatch.setattr(shrink_module, "replay_run", raising)
    result = shrink(original, 1, "none")
    assert result.signature == result.signature_now == CRASH
    assert result.document["steps"] == culprits
    assert result.expectations == (15, 0)


def action(step: dict[str, Any]) -> dict[str, Any]:
    """The step without its `expect`: what it does."""
    return {key: value for key, value in step.items() if key != "expect"}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda path: path.name)
def test_dump_round_trips_every_shipped_scenario(path: Path, tmp_path: Path) -> None:
    dumped = tmp_path / path.name
    dumped.write_text(dump_scenario(read_yaml(path)), encoding="utf-8")
    assert read_yaml(dumped) == read_yaml(path)
    assert replace(load_scenario(dumped), source=str(path)) == load_scenario(path)


def test_dump_is_block_style_in_the_documents_order() -> None:
    text = dump_scenario({"version": 1, "name": "n", "start": "2026-03-02T14:00:00Z", "market": {"BTCUSD": {"price": "43000.00"}}})
    assert text == "version: 1\nname: n\nstart: '2026-03-02T14:00:00Z'\nmarket:\n  BTCUSD:\n    price: '43000.00'\n"


def test_dump_writes_shared_values_out_and_keeps_line_breaks_and_bytes(tmp_path: Path) -> None:
    shared = {"status": 200}
    document = {
        "version": 1,
        "name": "n",
        "description": "one line\u2028and another\x85",
        "steps": [
            {"request": {"method": "POST", "path": "/x", "raw_body": b"\xff\x00"}, "expect": shared},
            {"request": {"method": "GET", "path": "/y"}, "expect": shared},
        ],
    }
    text = dump_scenario(document)
    assert "&" not in text and "*" not in text
    path = tmp_path / "n.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_yaml(path) == document
