"""How a running sweep shows itself: a bar on a terminal, nothing elsewhere.

The rule is `replay`'s (simulator/replay/terminal.py): stderr only, never
into a pipe, a file or a CI log. The bar counts runs, says how many failed
so far, and estimates the time left, which for a sweep (many runs of one
scenario) means something, unlike for the steps of one replay.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

import click

from simulator.replay.terminal import as_shown, running_in_ci, shortened
from simulator.sweep.model import RunRecord

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class RunCounter:
    """Counts finished runs; draws them on a bar when there is one."""

    def __init__(self, bar: ProgressBar[str] | None) -> None:
        self.bar = bar
        self.done = 0
        self.failed = 0

    def __call__(self, record: RunRecord) -> None:
        self.done += 1
        self.failed += 0 if record.passed else 1
        if self.bar is not None:
            self.bar.update(1, f"{self.failed} failed")


@contextmanager
def sweep_display(name: str, runs: int, quiet: bool, stream: TextIO, environ: Mapping[str, str]) -> Iterator[RunCounter]:
    if quiet or not stream.isatty() or running_in_ci(environ):
        yield RunCounter(None)
        return
    bar: ProgressBar[str] = click.progressbar(
        length=runs, label=shortened(name), item_show_func=as_shown, show_eta=True, show_pos=True, file=stream
    )
    with bar:
        yield RunCounter(bar)
