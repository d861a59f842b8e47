"""A sweep from start to finish: send the runs to the cluster, gather, report.

Runs go out as Dask futures and come back in any order; each is kept in its
place in run order. A replay run comes back without its report, and only the
runs the folder keeps (the first K of each signature) are replayed again for
theirs: a world is a seed, so the second run gives the same bytes as the
first, and a sweep where most runs fail moves kilobytes, not a report per
run. A `--command` run cannot be repeated that way (CMD need not be
deterministic), so it brings its outputs back at once.

Ctrl-C cancels what is still queued or running and keeps what finished.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from distributed import Client, as_completed

from simulator.sweep.cluster import open_cluster
from simulator.sweep.command import execute_command
from simulator.sweep.execute import ScenarioSource, captured_logs, crashed, execute, run_chunk
from simulator.sweep.model import DEFAULT_TIMEOUT_S, Placement, RunRecord, RunSpec, SweepArguments
from simulator.sweep.output import (
    FAILURES,
    group_failures,
    reported_runs,
    signature_folder,
    write_run_info,
    write_sweep,
)
from simulator.sweep.progress import sweep_display
from simulator.sweep.shrink import NothingToShrink, ShrinkResult, dump_scenario, shrink

RunDone = Callable[[RunRecord], None]
SHRINKABLE = ("expectation", "invariant")
MAX_CHUNK = 10
CHUNKS_PER_WORKER = 8
MINIMAL = "min.yaml"


@dataclass(frozen=True)
class Gathered:
    records: tuple[RunRecord, ...]
    """Finished runs, in run order."""
    complete: bool
    """False when Ctrl-C stopped the sweep before every run finished."""


def run_task(arguments: SweepArguments) -> Callable[..., RunRecord]:
    """What a worker calls for one run: the replay, or the run of CMD against a fresh serve."""
    if arguments.command is None:
        return partial(execute, keep_report=False)
    return partial(execute_command, command=arguments.command, timeout=arguments.timeout or DEFAULT_TIMEOUT_S)


def gather_runs(
    client: Client, source: ScenarioSource, specs: Sequence[RunSpec], task: Callable[..., RunRecord], done: RunDone
) -> Gathered:
    """Every run of `specs` on the cluster; `done` hears of each as it finishes.

    Runs travel in chunks (see `chunk_size`). A chunk that fails as a whole
    (its worker died) is sent again run by run, so only the run that took
    the worker down ends as a `crash` (KilledWorker).
    """
    place = {spec: index for index, spec in enumerate(specs)}
    size = chunk_size(len(specs), len(client.scheduler_info().get("workers", {})))
    chunks = {client.submit(run_chunk, task, source, chunk, pure=False): chunk for chunk in chunked(specs, size)}
    finished: dict[int, RunRecord] = {}
    waiting = as_completed(list(chunks))
    try:
        for future in waiting:
            chunk = chunks.pop(future)
            try:
                records: list[RunRecord] = future.result()
            except Exception:  # noqa: BLE001 - the runs' failure, never the sweep's
                if len(chunk) > 1:
                    for spec in chunk:
                        single = client.submit(run_chunk, task, source, (spec,), pure=False)
                        chunks[single] = (spec,)
                        waiting.add(single)
                    continue
                records = [crashed(chunk[0], traceback.format_exc())]
            for record in records:
                finished[place[record.spec]] = record
                done(record)
    except KeyboardInterrupt:
        client.cancel(list(chunks))
        return Gathered(tuple(finished[index] for index in sorted(finished)), complete=False)
    return Gathered(tuple(finished[index] for index in sorted(finished)), complete=True)


def chunk_size(runs: int, workers: int) -> int:
    """Runs per task: enough that Dask's per-task round trip (milliseconds) is
    small beside the runs (a quickstart replay takes about 20 ms), few enough
    that every worker gets several chunks and the last ones finish together."""
    return max(1, min(MAX_CHUNK, runs // (max(workers, 1) * CHUNKS_PER_WORKER)))


def chunked(specs: Sequence[RunSpec], size: int) -> list[tuple[RunSpec, ...]]:
    return [tuple(specs[start : start + size]) for start in range(0, len(specs), size)]


def with_reports(
    client: Client, source: ScenarioSource, arguments: SweepArguments, records: Sequence[RunRecord]
) -> tuple[RunRecord, ...]:
    """The records, the kept failing replay runs carrying their whole report."""
    found = {record.spec: record for record in records}
    missing = [spec for spec in reported_runs(group_failures(records), arguments.keep_failures) if not found[spec].artifacts]
    if not missing:
        return tuple(records)
    reports: list[RunRecord] = client.gather([client.submit(execute, source, spec, pure=False) for spec in missing])
    artifacts = {report.spec: report.artifacts for report in reports}
    return tuple(replace(record, artifacts=artifacts[record.spec]) if record.spec in artifacts else record for record in records)


def shrink_failures(
    client: Client, source: ScenarioSource, arguments: SweepArguments, records: Sequence[RunRecord]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each signature's smallest failing run shrunk, on the cluster, one signature a task.

    Returns signature -> the minimal scenario's path in the sweep folder, and
    that path -> its YAML. A crash is not shrunk: a candidate that raises
    cannot be told from one that breaks differently.
    """
    groups = [group for group in group_failures(records) if group.kind in SHRINKABLE]
    smallest = [min(group.records, key=lambda record: record.spec.seed).spec for group in groups]
    futures = [
        client.submit(shrunk_or_none, source, spec, group.signature, pure=False) for group, spec in zip(groups, smallest, strict=True)
    ]
    paths: dict[str, str] = {}
    files: dict[str, str] = {}
    for group, result in zip(groups, client.gather(futures), strict=True):
        if result is not None:
            paths[group.signature] = f"{FAILURES}/{signature_folder(group.signature)}/{MINIMAL}"
            files[paths[group.signature]] = dump_scenario(result.document)
    return paths, files


def shrunk_or_none(source: ScenarioSource, spec: RunSpec, signature: str) -> ShrinkResult | None:
    try:
        with captured_logs():
            return shrink(source, spec.seed, spec.faults, spec.sets, signature)
    except NothingToShrink:
        return None


def run_sweep(
    arguments: SweepArguments, source: ScenarioSource, specs: Sequence[RunSpec], out: Path, placement: Placement, quiet: bool
) -> tuple[dict[str, Any], bool]:
    """Run the sweep and write its folder: sweep.json's content, and whether every run finished.

    Raises ClusterError when the cluster cannot be used, OSError or
    ReportDirError when the folder cannot be written.
    """
    began = time.perf_counter()
    with open_cluster(placement.workers, placement.scheduler) as client:
        started = time.perf_counter()
        with sweep_display(arguments.name, len(specs), quiet, sys.stderr, os.environ) as counter:
            gathered = gather_runs(client, source, specs, run_task(arguments), counter)
        ran = time.perf_counter()
        records: Sequence[RunRecord] = gathered.records
        shrunk: dict[str, str] = {}
        files: dict[str, str] = {}
        if gathered.complete:
            records = with_reports(client, source, arguments, records)
            if arguments.shrink:
                shrunk, files = shrink_failures(client, source, arguments, records)
        seconds = {"cluster": started - began, "runs": ran - started, "reports": time.perf_counter() - ran}
        info = run_info(client, arguments, seconds, gathered.complete)
    summary = write_sweep(out, arguments, records, gathered.complete, shrunk, files)
    info["seconds"]["total"] = round(time.perf_counter() - began, 3)
    write_run_info(out, info)
    return summary, gathered.complete


def run_info(client: Client, arguments: SweepArguments, seconds: dict[str, float], complete: bool) -> dict[str, Any]:
    """run-info.json: what differs between two runs of the same sweep (wall times, the cluster)."""
    workers = client.scheduler_info().get("workers", {})
    return {
        "scheduler": client.scheduler.address if client.scheduler is not None else None,
        "workers": len(workers),
        "threadsPerWorker": sorted({int(worker.get("nthreads", 0)) for worker in workers.values()}),
        "seconds": {name: round(value, 3) for name, value in seconds.items()},
        "complete": complete,
        "command": arguments.command,
    }
