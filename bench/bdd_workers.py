"""The whole `tests/bdd` run on one process beside two pytest-xdist workers, with and without `--bakkt-report`.

Each configuration is a fresh `python -m pytest` from the project's root, as
QA start it, so the figures include pytest's start and the workers'; the
four take turns, and each figure is the best of `--rounds`. Beside the wall
time, the CPU seconds of all its processes (controller and workers), which
other work on the machine disturbs less. `--seeds N` adds `--bakkt-seeds N`.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import report

ROOT = Path(__file__).resolve().parents[1]


def run(workers: int, report_dir: Path | None, seeds: int | None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, every process) of one run."""
    command = [sys.executable, "-m", "pytest", "tests/bdd", "-q", "-n", str(workers)]
    if report_dir is not None:
        command += ["--bakkt-report", str(report_dir)]
    if seeds is not None:
        command += ["--bakkt-seeds", str(seeds)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.stdout[-3000:]}{finished.stderr[-3000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=None)
    args = parser.parse_args()
    best: dict[tuple[int, bool], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.rounds):
            for workers in (0, 2):
                for with_report in (False, True):
                    folder = Path(scratch) / f"n{workers}" if with_report else None
                    measured = run(workers, folder, args.seeds)
                    key = (workers, with_report)
                    best[key] = min(best.get(key, measured), measured)
    plain = {workers: best[(workers, False)][0] for workers in (0, 2)}
    reported = {workers: best[(workers, True)][0] for workers in (0, 2)}
    cpu = {key: measured[1] for key, measured in best.items()}
    report(
        f"tests/bdd, best of {args.rounds}" + (f", --bakkt-seeds {args.seeds}" if args.seeds else ""),
        {
            "-n 0": f"{plain[0]:.1f} s (CPU {cpu[(0, False)]:.1f} s)",
            "-n 2": f"{plain[2]:.1f} s (CPU {cpu[(2, False)]:.1f} s)",
            "-n 0 --bakkt-report": f"{reported[0]:.1f} s (CPU {cpu[(0, True)]:.1f} s)",
            "-n 2 --bakkt-report": f"{reported[2]:.1f} s (CPU {cpu[(2, True)]:.1f} s)",
            "speedup, -n 0 / -n 2": f"{plain[0] / plain[2]:.2f}x",
            "speedup with --bakkt-report": f"{reported[0] / reported[2]:.2f}x",
            "report's extra cost under -n 2": f"{(reported[2] - plain[2]) / plain[2]:.1%}",
            "report's extra cost under -n 0": f"{(reported[0] - plain[0]) / plain[0]:.1%}",
            "report's extra CPU under -n 2": f"{(cpu[(2, True)] - cpu[(2, False)]) / cpu[(2, False)]:.1%}",
        },
    )


if __name__ == "__main__":
    main()
