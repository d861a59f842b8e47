"""Every shipped scenario over a handful of seeded worlds with random faults: the sandbox never breaks itself.

Under random faults a scenario's own exact expectations may fail (prices
move, fills wait); an invariant or a crash never may. The full sweep (200
seeds of each scenario) is the release check; this one keeps it honest in
the suite.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from distributed import Client
from sweep_support import SCENARIOS

from simulator.replay.source import read_yaml
from simulator.sweep.cluster import open_cluster
from simulator.sweep.driver import gather_runs
from simulator.sweep.execute import ScenarioSource, execute
from simulator.sweep.grid import run_specs

SEEDS = range(1, 5)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    with open_cluster(2, None) as client:
        yield client


@pytest.mark.parametrize("scenario", sorted(SCENARIOS.glob("*.yaml")), ids=lambda path: path.stem)
def test_no_world_of_a_shipped_scenario_breaks_an_invariant_or_crashes(cluster: Client, scenario: Path) -> None:
    source = ScenarioSource(str(scenario), read_yaml(scenario))
    specs = run_specs(SEEDS, [()], "random")
    gathered = gather_runs(cluster, source, specs, partial(execute, keep_report=False), lambda record: None)
    assert gathered.complete and [record.spec for record in gathered.records] == specs
    broken = [
        f"{record.spec.replay_command(str(scenario))}: {failure.signature}: {failure.message}"
        for record in gathered.records
        for failure in record.failures
        if failure.kind in ("invariant", "crash")
    ]
    assert broken == []
    assert all(record.metrics["requests"] for record in gathered.records)
