"""The sweep's report.html: what a person needs at a glance from sweep.json and runs.jsonl.

The page aggregates and never lists runs, so 10,000 runs give a page the
size of 10: pass and fail counts per varied value, one histogram per
metric, and at most MAX_SIGNATURES failure rows (sweep.json has them all).
It reuses the replay page's Jinja2 environment (its filters and settings)
and styles, and draws with the replay charts' matplotlib style and
deterministic SVG writer, so the same inputs give the same bytes.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

import matplotlib
import numpy as np
from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from simulator.replay.html import charts
from simulator.replay.html.page import environment
from simulator.replay.report import PAGE
from simulator.sweep.execute import TRACEBACK_FILE
from simulator.sweep.metrics import DESCRIPTIONS
from simulator.sweep.model import FailureKind

TEMPLATE = "sweep.html.j2"
KINDS: tuple[str, ...] = get_args(FailureKind)
KIND_NOTES = {
    "expectation": "the scenario's own checks",
    "invariant": "the sandbox broke its own rules: a sandbox bug",
    "crash": "the run raised inside the sandbox",
    "command": "your --command exited non-zero or timed out",
}
MAX_SIGNATURES = 200
MAX_MESSAGE_CHARS = 1_200
MESSAGE_HEAD_LINES = 3
RUN_FOLDER = re.compile(r"^(?P<seed>-?\d+)(?:-(?P<point>\d+))?$")
"""A kept run's folder name: `<seed>`, or `<seed>-<grid point number>` when parameters vary."""
MAX_BINS = 30
PASS_COLOR, FAIL_COLOR = "#2da44e", "#cf222e"
"""The same colours as the page's bars (sweep.css)."""
HISTOGRAM_IN = (6.0, 2.5)
"""A histogram's size: half the replay charts' width, as the page shows two a row at the same scale."""
HEADROOM = 1.12
"""The y axis runs a little past the tallest bar, so no bar meets the legend."""


@dataclass(frozen=True)
class KindTally:
    kind: str
    runs: int
    note: str


@dataclass(frozen=True)
class ValueTally:
    """Runs at one value of a varied parameter."""

    value: str
    passed: int
    failed: int

    @property
    def runs(self) -> int:
        return self.passed + self.failed

    @property
    def passed_share(self) -> float:
        return self.passed / self.runs if self.runs else 0.0

    @property
    def rate(self) -> str:
        return pass_rate_text(self.passed, self.runs)


@dataclass(frozen=True)
class Parameter:
    path: str
    values: tuple[ValueTally, ...]


@dataclass(frozen=True)
class FailureRow:
    """One signature of sweep.json, its message split for reading, and the links its kind's folders hold."""

    failure: Mapping[str, Any]
    head: str
    """The message's first MESSAGE_HEAD_LINES lines: the place and the first difference."""
    rest: str
    """The remaining lines, clipped to MAX_MESSAGE_CHARS; shown on request."""
    hidden_lines: int
    links: tuple[tuple[str, str, str], ...]
    """(label, relative href, folder) of each kept run."""


@dataclass(frozen=True)
class Distribution:
    name: str
    description: str
    count: int
    """Values drawn: one a run for a count, one a fill or window for a list metric."""
    runs: int
    unit: str
    """What the bars count: `run` or `value`."""
    stats: tuple[tuple[str, str], ...]
    svg: Markup | None


def render_sweep_page(summary: Mapping[str, Any], runs: Sequence[Mapping[str, Any]]) -> str:
    """report.html of a sweep: `summary` is sweep.json, `runs` the lines of runs.jsonl."""
    totals = summary["totals"]
    arguments = summary["arguments"]
    failures = summary["failures"]
    return page_environment().get_template(TEMPLATE).render(
        summary=summary,
        arguments=arguments,
        totals=totals,
        rate=pass_rate_text(totals["passed"], totals["runs"]),
        planned=planned_runs(arguments),
        kinds=[KindTally(kind, summary["kinds"].get(kind, 0), KIND_NOTES[kind]) for kind in KINDS],
        failures=[failure_row(failure) for failure in failures[:MAX_SIGNATURES]],
        unlisted=max(0, len(failures) - MAX_SIGNATURES),
        parameters=parameters(arguments["vary"], runs),
        distributions=distributions(runs),
        unmeasured=sum(1 for run in runs if not run["metrics"]),
        pass_color=PASS_COLOR,
        fail_color=FAIL_COLOR,
    )


def page_environment() -> Environment:
    """The replay page's environment (filters, escaping, whitespace), with this package's templates
    first and the replay page's after them, whose report.css the sweep page includes."""
    loader = ChoiceLoader([PackageLoader("simulator.sweep"), PackageLoader("simulator.replay.html")])
    return environment().overlay(loader=loader)


def pass_rate_text(passed: int, runs: int) -> str:
    """`75.0%`; never `100.0%` with a failure nor `0.0%` with a pass, which rounding would print."""
    if not runs:
        return "–"
    text = f"{100 * passed / runs:.1f}"
    if text == "100.0" and passed < runs:
        return "> 99.9%"
    if text == "0.0" and passed:
        return "< 0.1%"
    return text + "%"


def planned_runs(arguments: Mapping[str, Any]) -> int:
    """Seeds times the points of the --vary grid."""
    first, last = arguments["seeds"]
    return int(last - first + 1) * math.prod(len(values) for values in arguments["vary"].values())


def failure_row(failure: Mapping[str, Any]) -> FailureRow:
    lines = str(failure["message"]).splitlines()
    rest = "\n".join(lines[MESSAGE_HEAD_LINES:])
    clipped = rest[:MAX_MESSAGE_CHARS] + (" …" if len(rest) > MAX_MESSAGE_CHARS else "")
    target = {"expectation": PAGE, "invariant": PAGE, "crash": TRACEBACK_FILE}.get(failure["kind"], "")
    links = tuple((run_label(folder), f"{folder}/{target}", folder) for folder in failure["folders"])
    return FailureRow(failure, "\n".join(lines[:MESSAGE_HEAD_LINES]), clipped, len(lines[MESSAGE_HEAD_LINES:]), links)


def run_label(folder: str) -> str:
    """`seed 8`, or `seed 8, point 2` for the second point of the --vary grid; other names as they are."""
    name = folder.rsplit("/", 1)[-1]
    match = RUN_FOLDER.match(name)
    if match is None:
        return name
    return f"seed {match['seed']}" + (f", point {match['point']}" if match["point"] else "")


def parameters(vary: Mapping[str, Sequence[str]], runs: Iterable[Mapping[str, Any]]) -> tuple[Parameter, ...]:
    """Pass and fail counts at each value of each varied path, in the order --vary gave them."""
    passed: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    for run in runs:
        for assignment in run["set"]:
            path, _, value = assignment.partition("=")
            (passed if run["passed"] else failed)[path, value] += 1
    seen = passed.keys() | failed.keys()
    return tuple(
        Parameter(
            path,
            tuple(
                ValueTally(value, passed[path, value], failed[path, value])
                for value in [*values, *sorted(v for p, v in seen if p == path and v not in values)]
            ),
        )
        for path, values in vary.items()
    )


def metric_names(runs: Iterable[Mapping[str, Any]]) -> list[str]:
    """The metrics the runs carry: the documented ones in their order, then any other alphabetically."""
    found = {name for run in runs for name in run["metrics"]}
    return [name for name in DESCRIPTIONS if name in found] + sorted(found - DESCRIPTIONS.keys())


def values_of(value: Any) -> list[float]:
    """A metric's numbers: a count is one, a list is each of its entries; None, non-numbers and NaN none."""
    items = value if isinstance(value, list) else [value]
    numbers = [float(item) for item in items if isinstance(item, int | float) and not isinstance(item, bool)]
    return [number for number in numbers if math.isfinite(number)]


def distributions(runs: Sequence[Mapping[str, Any]]) -> tuple[Distribution, ...]:
    drawn = []
    for number, name in enumerate(metric_names(runs)):
        measured = [run for run in runs if name in run["metrics"]]
        passed = [x for run in measured if run["passed"] for x in values_of(run["metrics"][name])]
        failed = [x for run in measured if not run["passed"] for x in values_of(run["metrics"][name])]
        listed = any(isinstance(run["metrics"][name], list) for run in measured)
        unit = "value" if listed else "run"
        every = passed + failed
        svg = Markup(histogram(passed, failed, listed, f"metric-{number}")) if every else None
        drawn.append(Distribution(name, DESCRIPTIONS.get(name, ""), len(every), len(measured), unit, stats(every), svg))
    return tuple(drawn)


def stats(values: Sequence[float]) -> tuple[tuple[str, str], ...]:
    """Min, median, mean and max: whole numbers plain when every value is whole, else to the metrics' two places."""
    if not values:
        return ()
    counted = whole(values)
    figures = (min(values), statistics.median(values), statistics.fmean(values), max(values))
    texts = (f"{x:,.0f}" if counted and x == int(x) else f"{x:,.2f}" for x in figures)
    return tuple(zip(("min", "median", "mean", "max"), texts, strict=True))


def whole(values: Iterable[float]) -> bool:
    return all(x == int(x) for x in values)


def bin_edges(values: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """One bin per whole number when the values are whole and few, else MAX_BINS even bins."""
    low, high = min(values), max(values)
    if whole(values):
        width = max(1, math.ceil((high - low + 1) / MAX_BINS))
        return np.arange(low - 0.5, high + width, width, dtype=np.float64)
    if low == high:
        return np.array([low - 0.5, high + 0.5], dtype=np.float64)
    return np.linspace(low, high, MAX_BINS + 1, dtype=np.float64)


def histogram(passed: Sequence[float], failed: Sequence[float], listed: bool, salt: str) -> str:
    """Values of passed and failed runs, stacked: whether failing worlds sit apart shows at once.

    A list metric's bars count its values (fills, windows), a count's bars runs.
    """
    edges = bin_edges([*passed, *failed])
    widths, lefts = np.diff(edges), edges[:-1]
    passed_counts, _ = np.histogram(passed, edges)
    failed_counts, _ = np.histogram(failed, edges)
    label = "values of {} runs ({:,})" if listed else "{} runs ({:,})"
    with matplotlib.rc_context(charts.STYLE):
        figure = Figure(figsize=HISTOGRAM_IN, layout="constrained")
        ax = figure.add_subplot()
        style: dict[str, Any] = {"align": "edge", "edgecolor": "white", "linewidth": 0.5}
        ax.bar(lefts, passed_counts, widths, color=PASS_COLOR, label=label.format("passed", len(passed)), **style)
        ax.bar(lefts, failed_counts, widths, bottom=passed_counts, color=FAIL_COLOR, label=label.format("failed", len(failed)), **style)
        value_axis(ax, edges, whole([*passed, *failed]))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(1, int((passed_counts + failed_counts).max())) * HEADROOM)
        ax.set_axisbelow(True)
        ax.set_ylabel("values" if listed else "runs")
        ax.grid(axis="x", visible=False)
        charts.legend_above(ax, ncols=2)
        return charts.figure_svg(figure, salt)


def value_axis(ax: Axes, edges: np.ndarray[Any, np.dtype[np.float64]], counted: bool) -> None:
    """At least MIN_BAR_SLOTS bins wide, so one value does not draw one page-wide bar; whole ticks for counts."""
    span = float(edges[-1] - edges[0])
    slots = max(charts.MIN_BAR_SLOTS * float(edges[1] - edges[0]), span)
    middle = float(edges[0] + edges[-1]) / 2
    ax.set_xlim(middle - slots / 2, middle + slots / 2)
    if counted:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}" if counted or span >= 10 else "{x:,.2f}"))
