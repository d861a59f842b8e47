"""A run that raises, or takes its worker down, is that run's `crash`, never the sweep's."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import cloudpickle
import dask
import pytest
from sweep_support import QUICKSTART

from simulator.replay.source import read_yaml
from simulator.sweep import execute as execute_module
from simulator.sweep.cluster import open_cluster
from simulator.sweep.driver import chunk_size, gather_runs
from simulator.sweep.execute import ScenarioSource, execute
from simulator.sweep.grid import run_specs
from simulator.sweep.model import RunRecord, RunSpec

SOURCE = ScenarioSource(str(QUICKSTART), read_yaml(Path(QUICKSTART)))


def test_a_run_that_raises_is_a_crash_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("the sandbox divided by zero")

    monkeypatch.setattr(execute_module, "run_scenario", broken)
    record = execute(SOURCE, RunSpec(4, "random"))
    assert [(failure.kind, failure.signature) for failure in record.failures] == [("crash", "crash")]
    assert record.failures[0].message == "ZeroDivisionError: the sandbox divided by zero"
    trace = record.artifacts["traceback.txt"].decode()
    assert "Traceback" in trace and "in broken" in trace


def exit_on_seed_two(source: ScenarioSource, spec: RunSpec) -> RunRecord:
    """Takes the worker process down with it on seed 2, as a segfault or the OOM killer would."""
    if spec.seed == 2:
        os._exit(9)
    return execute(source, spec, keep_report=False)


def test_a_run_that_kills_its_worker_is_a_crash_and_its_chunk_mates_finish() -> None:
    """Sixteen runs on one worker travel two to a task: seed 2 kills the task's worker, seed 1 rode with it."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    specs = run_specs(range(1, 17), [()], "none")
    assert chunk_size(len(specs), 1) == 2
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), open_cluster(1, None) as client:
        gathered = gather_runs(client, SOURCE, specs, exit_on_seed_two, lambda record: None)
    assert gathered.complete
    assert [record.spec.seed for record in gathered.records] == list(range(1, 17))
    assert [record.spec.seed for record in gathered.records if not record.passed] == [2]
    crash = gathered.records[1]
    assert [failure.signature for failure in crash.failures] == ["crash"]
    assert "KilledWorker" in crash.artifacts["traceback.txt"].decode()


@pytest.mark.parametrize(("runs", "workers", "size"), [(1, 4, 1), (16, 1, 2), (400, 2, 10), (100_000, 64, 10)])
def test_runs_travel_in_chunks_small_enough_to_keep_every_worker_busy(runs: int, workers: int, size: int) -> None:
    assert chunk_size(runs, workers) == size
