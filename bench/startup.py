"""Start-up: `bakkt-sim --help` and `bakkt-sim replay scenarios/quickstart.yaml`
run from the shell, beside a bare `python -c pass`, in the same run.

Each command is a fresh process, as a user or a CI step starts it: the three
take turns for `--rounds` rounds (the machine may be shared, so turns keep a
busy moment from landing on one command only), and the best and the median
of each are printed. The replay writes its report to a temporary folder.

Targets: `--help` at most 0.3 s; the quickstart replay at most 1.2 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"


def bakkt_sim() -> list[str]:
    """The console script beside this interpreter, as the shell runs it."""
    script = Path(sys.executable).with_name("bakkt-sim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bakkt-sim --help": [*bakkt_sim(), "--help"],
            "bakkt-sim replay scenarios/quickstart.yaml": [*bakkt_sim(), "replay", str(SCENARIO), "--out", f"{folder}/report"],
        }
        for command in commands.values():  # warm the file cache and the bytecode
            seconds(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                times[name].append(seconds(command))
    print(f"start-up from the shell, {rounds} rounds taken in turn: best (median, worst)")
    for name, taken in times.items():
        print(f"  {name}: {min(taken):.3f} s ({statistics.median(taken):.3f}, {max(taken):.3f})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
