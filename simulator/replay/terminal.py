"""How `bakkt-sim replay` shows a running replay, on stderr only.

stdout keeps the short summary that people and scripts read, so whatever is
shown while the replay runs goes to stderr: a progress bar when a person
watches a terminal, one line per call with --verbose, and nothing otherwise.
A bar is never drawn into a pipe, a file or a CI log, where its redraws
would only pile up as noise; a bar is drawn for short replays too, because
it costs nothing and a person cannot tell in advance which replays are long.
"""
from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO
from urllib.parse import urlencode

import click

from simulator.engine.clock import iso_millis, iso_seconds, parse_instant
from simulator.replay.progress import ReplayProgress
from simulator.replay.scenario import Scenario

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

NOT_CI = ("", "0", "false")
REDRAWS = 200
"""At most this many redraws of the bar, however many steps there are."""
STAGES = ("setting up", "set up", "writing report", "report written")
LABEL_WIDTH = 24
"""Longer scenario names are cut, leaving the bar room on an 80-column terminal."""


class Verbosity(enum.Enum):
    QUIET = "quiet"
    NORMAL = "normal"
    VERBOSE = "verbose"


def running_in_ci(environ: Mapping[str, str]) -> bool:
    """CI services set CI (most to "true"); empty, "0" or "false" mean it is not one."""
    return environ.get("CI", "").strip().lower() not in NOT_CI


class Display(Protocol):
    """What the replay command tells while it works: each stage done, then the report."""

    def progress(self, update: ReplayProgress) -> None: ...

    def writing_report(self, out: Path) -> None: ...


class Silent:
    """Shows nothing: --quiet, or nobody watching a terminal."""

    def progress(self, update: ReplayProgress) -> None:
        pass

    def writing_report(self, out: Path) -> None:
        pass


class CallLog:
    """--verbose: one line per call as it happens, so a slow or failing step can be found."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def progress(self, update: ReplayProgress) -> None:
        at = iso_millis(update.now_ns)
        for record in update.requests:
            query = f"?{urlencode(dict(record.query))}" if record.query else ""
            line = f"{at}  {record.where:<24} {record.status}  {record.method} {record.path}{query}"
            click.echo(line, file=self.stream)

    def writing_report(self, out: Path) -> None:
        click.echo(f"writing the report to {out}", file=self.stream)


class StepBar:
    """A click progress bar over the scenario's steps.

    The text after the bar names the stage (the setup, the last step
    finished, the report) and the simulated instant reached. That text keeps
    one width, so the bar, which fills the rest of the line, holds still.
    There is no time estimate: steps differ too much (one allocation against
    a week of cutoffs) for an average to predict anything.
    """

    def __init__(self, bar: ProgressBar[str], steps: int, start_ns: int) -> None:
        self.bar = bar
        self.stage_width = max(len(f"step {steps}/{steps}"), *map(len, STAGES))
        self.now_ns = start_ns
        bar.current_item = self.item("setting up")

    def item(self, stage: str) -> str:
        return f"{stage:<{self.stage_width}}  sim {iso_seconds(self.now_ns)}"

    def progress(self, update: ReplayProgress) -> None:
        self.now_ns = update.now_ns
        if update.done:
            self.bar.update(1, self.item(f"step {update.done}/{update.total}"))
        else:
            self.show("set up")

    def writing_report(self, out: Path) -> None:
        self.show("writing report")

    def finished(self) -> None:
        self.bar.finish()
        self.show("report written")

    def show(self, stage: str) -> None:
        self.bar.current_item = self.item(stage)
        self.bar.render_progress()


def as_shown(item: str | None) -> str | None:
    """A bar's text is composed by its owner already (StepBar, the sweep's RunCounter)."""
    return item


def shortened(name: str) -> str:
    return name if len(name) <= LABEL_WIDTH else name[: LABEL_WIDTH - 3] + "..."


@contextmanager
def replay_display(
    scenario: Scenario, verbosity: Verbosity, stream: TextIO, environ: Mapping[str, str]
) -> Iterator[Display]:
    """The display for one replay; a bar is drawn only on a terminal outside CI."""
    if verbosity is Verbosity.VERBOSE:
        yield CallLog(stream)
    elif verbosity is Verbosity.QUIET or not stream.isatty() or running_in_ci(environ):
        yield Silent()
    else:
        steps = len(scenario.steps)
        bar: ProgressBar[str] = click.progressbar(
            length=steps,
            label=shortened(scenario.name),
            item_show_func=as_shown,
            show_eta=False,
            show_percent=False,
            width=0,
            file=stream,
            update_min_steps=max(1, steps // REDRAWS),
        )
        display = StepBar(bar, steps, parse_instant(scenario.start))
        with bar:
            yield display
            display.finished()
