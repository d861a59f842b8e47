"""The sweep's folder (CONTRACT 17): sweep.json, runs.jsonl, report.html,
failures/<signature>/<run>/ and run-info.json.

Everything but run-info.json is a function of the arguments and the records
in run order, never of which worker finished first, so the same sweep gives
the same bytes on one core or a cluster.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.replay.report import RUN_INFO, check_out_dir, write_json, write_lines, write_text
from simulator.sweep.model import SWEEP_FILE, RunRecord, RunSpec, SweepArguments
from simulator.sweep.page import render_sweep_page

RUNS_FILE = "runs.jsonl"
PAGE_FILE = "report.html"
FAILURES = "failures"
SWEEP_FORMAT = 1
UNSAFE = re.compile(r"[^A-Za-z0-9._\[\]=-]+")


@dataclass(frozen=True)
class SignatureGroup:
    signature: str
    kind: str
    records: tuple[RunRecord, ...]
    """The runs failing with this signature, in run order."""

    def first(self, count: int) -> tuple[RunRecord, ...]:
        return self.records[:count]


def signature_folder(signature: str) -> str:
    """A folder name for a signature: its text, with any character a file system may refuse as `-`."""
    return UNSAFE.sub("-", signature).strip(".") or "failure"


def group_failures(records: Sequence[RunRecord]) -> list[SignatureGroup]:
    """Failing runs by signature, the most frequent first, then by signature."""
    grouped: dict[str, list[RunRecord]] = {}
    kinds: dict[str, str] = {}
    for record in records:
        for failure in record.failures:
            if failure.signature not in grouped:
                grouped[failure.signature], kinds[failure.signature] = [], failure.kind
            if not grouped[failure.signature] or grouped[failure.signature][-1] is not record:
                grouped[failure.signature].append(record)
    groups = [SignatureGroup(signature, kinds[signature], tuple(runs)) for signature, runs in grouped.items()]
    return sorted(groups, key=lambda group: (-len(group.records), group.signature))


def reported_runs(groups: Sequence[SignatureGroup], keep: int) -> list[RunSpec]:
    """The runs whose whole report goes under failures/: the first `keep` of each signature."""
    wanted = {record.spec: None for group in groups for record in group.first(keep)}
    return list(wanted)


def sweep_summary(
    arguments: SweepArguments,
    records: Sequence[RunRecord],
    complete: bool,
    shrunk: Mapping[str, str],
) -> dict[str, Any]:
    """sweep.json: arguments, totals, and failures by signature with the smallest failing run."""
    groups = group_failures(records)
    failed = [record for record in records if not record.passed]
    return {
        "format_version": SWEEP_FORMAT,
        "scenario": arguments.scenario,
        "name": arguments.name,
        "arguments": arguments.to_json(),
        "complete": complete,
        "totals": {"runs": len(records), "passed": len(records) - len(failed), "failed": len(failed)},
        "kinds": {
            kind: sum(1 for record in failed if any(failure.kind == kind for failure in record.failures))
            for kind in ("expectation", "invariant", "crash", "command")
        },
        "failures": [group_summary(arguments, group, shrunk.get(group.signature)) for group in groups],
    }


def group_summary(arguments: SweepArguments, group: SignatureGroup, shrunk: str | None) -> dict[str, Any]:
    smallest = min(group.records, key=lambda record: record.spec.seed)
    message = next(failure.message for failure in smallest.failures if failure.signature == group.signature)
    folder = f"{FAILURES}/{signature_folder(group.signature)}"
    return {
        "signature": group.signature,
        "kind": group.kind,
        "runs": len(group.records),
        "smallestSeed": smallest.spec.seed,
        "set": list(smallest.spec.sets),
        "reproduce": arguments.reproduction(smallest.spec),
        "message": message,
        "folders": [f"{folder}/{arguments.run_folder(record.spec)}" for record in group.first(arguments.keep_failures)],
        "shrunk": shrunk,
    }


def write_sweep(
    out: Path,
    arguments: SweepArguments,
    records: Sequence[RunRecord],
    complete: bool,
    shrunk: Mapping[str, str] | None = None,
    shrunk_files: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Clear `out` and write the sweep's folder; returns sweep.json's content.

    `records` must be in run order. `shrunk` maps a signature to its minimal
    scenario's path inside `out`, `shrunk_files` that path to its YAML text.
    """
    check_out_dir(out, SWEEP_FILE)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    summary = sweep_summary(arguments, records, complete, shrunk or {})
    lines = [record.to_json(arguments.reproduction(record.spec)) for record in records]
    write_json(out / SWEEP_FILE, summary)
    write_lines(out / RUNS_FILE, lines)
    write_text(out / PAGE_FILE, render_sweep_page(summary, lines))
    for group in group_failures(records):
        for record in group.first(arguments.keep_failures):
            folder = out / FAILURES / signature_folder(group.signature) / arguments.run_folder(record.spec)
            write_artifacts(folder, record.artifacts)
    for relative, text in (shrunk_files or {}).items():
        write_text(out / relative, text)
    return summary


def write_artifacts(folder: Path, artifacts: Mapping[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for relative, content in sorted(artifacts.items()):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_run_info(out: Path, info: Mapping[str, Any]) -> None:
    write_json(out / RUN_INFO, dict(info))
