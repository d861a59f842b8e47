"""Runs per second of a sweep of scenarios/quickstart.yaml under random faults:
a plain in-process loop of the same runs without Dask (the baseline), then
the sweep's own gathering on a LocalCluster of 1 and of 2 single-threaded
worker processes, all in this process. Each worker's peak memory is read
after a quarter of the runs and after all of them: it must stay flat.

Targets: 2 workers at least 1.7 times 1 worker; 1 worker at least 85% of the loop.
"""
from __future__ import annotations

import argparse
import resource
import time
from functools import partial
from pathlib import Path

from _common import report

from simulator.replay.source import read_yaml
from simulator.sweep.cluster import open_cluster
from simulator.sweep.driver import gather_runs
from simulator.sweep.execute import ScenarioSource, execute
from simulator.sweep.grid import run_specs
from simulator.sweep.model import RunRecord, RunSpec

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.yaml"


def peak_rss_mb() -> float:
    """Peak resident memory of the calling process (runs on the workers)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_loop(source: ScenarioSource, specs: list[RunSpec]) -> tuple[float, list[RunRecord]]:
    began = time.perf_counter()
    records = [execute(source, spec, keep_report=False) for spec in specs]
    return time.perf_counter() - began, records


def on_cluster(source: ScenarioSource, specs: list[RunSpec], workers: int) -> tuple[float, list[RunRecord], list[float]]:
    """Seconds of the sweep's runs (the cluster's start and each worker's first run left out, as the
    loop's process has imported and run everything once), the records, and peak MB per worker by stage."""
    with open_cluster(workers, None) as client:
        client.run(execute, source, specs[0], keep_report=False)
        quarter = len(specs) // 4
        began = time.perf_counter()
        first = gather_runs(client, source, specs[:quarter], partial(execute, keep_report=False), lambda record: None)
        early = sorted(client.run(peak_rss_mb).values())
        rest = gather_runs(client, source, specs[quarter:], partial(execute, keep_report=False), lambda record: None)
        seconds = time.perf_counter() - began
        late = sorted(client.run(peak_rss_mb).values())
    return seconds, [*first.records, *rest.records], [*early, *late]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400)
    args = parser.parse_args()
    source = ScenarioSource(str(QUICKSTART), read_yaml(QUICKSTART))
    specs = run_specs(range(1, args.runs + 1), [()], "random")
    execute(source, specs[0], keep_report=False)
    loop_s, expected = plain_loop(source, specs)
    one_s, one, one_mb = on_cluster(source, specs, 1)
    two_s, two, two_mb = on_cluster(source, specs, 2)
    assert one == expected and two == expected, "a cluster gave other records than the loop"
    loop_rate, one_rate, two_rate = args.runs / loop_s, args.runs / one_s, args.runs / two_s
    report(f"sweep of {QUICKSTART.name}, {args.runs} runs, --faults random", {
        "plain loop, runs/s": f"{loop_rate:.2f}",
        "1 worker, runs/s": f"{one_rate:.2f} ({one_rate / loop_rate:.0%} of the loop; target 85%)",
        "2 workers, runs/s": f"{two_rate:.2f} ({two_rate / one_rate:.2f} x 1 worker; target 1.7)",
        "peak MB, 1 worker after 1/4 and all runs": " / ".join(f"{mb:.0f}" for mb in one_mb),
        "peak MB, 2 workers after 1/4 (each) and all runs (each)": " / ".join(f"{mb:.0f}" for mb in two_mb),
        "failed runs (exact prices under random faults)": sum(1 for record in expected if not record.passed),
    })


if __name__ == "__main__":
    main()
