"""Which runs a sweep makes: seeds crossed with every point of the `--vary` grid.

Runs are ordered seed first, then grid point in the order the `--vary`
options were given, so `runs.jsonl` reads in seed order and a run's place
never depends on which worker finished first.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from simulator.sweep.model import RunSpec, Vary
from simulator.sweep.plan import OverrideError, parse_override

DEFAULT_RUNS = 100
SEED_RANGE = re.compile(r"^\s*(?P<first>-?\d+)\s*-\s*(?P<last>-?\d+)\s*$")


class SweepInputError(ValueError):
    """Options that name no sweep: the message says which option and why."""


def seeds_of(runs: int | None, seeds: str | None) -> range:
    """`--runs N` is seeds 1..N; `--seeds A-B` is A..B, both ends included."""
    if runs is not None and seeds is not None:
        raise SweepInputError("--runs and --seeds cannot be used together: pick one")
    if seeds is None:
        count = DEFAULT_RUNS if runs is None else runs
        if count < 1:
            raise SweepInputError(f"--runs: {count} is not a number of runs (at least 1)")
        return range(1, count + 1)
    match = SEED_RANGE.match(seeds)
    if match is None:
        raise SweepInputError(f"--seeds: {seeds!r} is not a range such as 1-200")
    first, last = int(match["first"]), int(match["last"])
    if last < first:
        raise SweepInputError(f"--seeds: {seeds!r} ends before it starts")
    return range(first, last + 1)


def parse_vary(text: str) -> Vary:
    """`PATH=V1,V2,...`; each value must make a valid `--set PATH=V` on its own."""
    path, sep, raw = text.partition("=")
    values = tuple(value.strip() for value in raw.split(",")) if sep else ()
    if not path or not values or any(not value for value in values):
        raise SweepInputError(f"--vary {text}: expected PATH=V1,V2,..., such as market.BTCUSD.volatility=0.2,0.8")
    if len(set(values)) != len(values):
        raise SweepInputError(f"--vary {text}: a value is given twice")
    for value in values:
        try:
            parse_override(f"{path}={value}")
        except OverrideError as exc:
            raise SweepInputError(f"--vary {text}: {exc}") from None
    return Vary(path, values)


def grid_points(varies: Sequence[Vary]) -> list[tuple[str, ...]]:
    """Every combination of the varied values; one empty point without `--vary`."""
    paths = [vary.path for vary in varies]
    if len(set(paths)) != len(paths):
        raise SweepInputError("--vary: the same PATH is varied twice; give all its values in one --vary")
    return [tuple(point) for point in itertools.product(*(vary.assignments for vary in varies))]


def run_specs(seeds: range, points: Sequence[tuple[str, ...]], faults: str) -> list[RunSpec]:
    return [RunSpec(seed, faults, point) for seed in seeds for point in points]
