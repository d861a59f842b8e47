"""The realtime driver marks each target before it moves there, and survives a failing tick (CONTRACT 15).

The driver is the one reader of the wall clock, so these tests wait on it:
each polls a condition with a deadline, never a fixed sleep.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from simulator.engine.driver import RealtimeDriver
from simulator.engine.kernel import Kernel

SPEED = 1000.0
DEADLINE_SECONDS = 10.0


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.005)


class Marks:
    """A `before_run` that keeps each target and refuses the first `failures` of them, as a full disk would."""

    def __init__(self, kernel: Kernel, failures: int) -> None:
        self.kernel = kernel
        self.failures = failures
        self.targets: list[int] = []
        self.moved_before_mark: list[int] = []

    def __call__(self, target: int) -> None:
        self.targets.append(target)
        if self.kernel.now > max(self.targets[:-1], default=0):
            self.moved_before_mark.append(self.kernel.now)
        if len(self.targets) <= self.failures:
            raise OSError(28, "No space left on device")


def run_driver(kernel: Kernel, marks: Marks, until: Callable[[], bool]) -> None:
    driver = RealtimeDriver(lambda: kernel, SPEED, marks)
    driver.start()
    try:
        wait_for(until)
    finally:
        driver.stop()


def test_the_clock_never_moves_past_its_latest_mark() -> None:
    kernel = Kernel(seed=0, start_ns=0)
    marks = Marks(kernel, failures=0)
    run_driver(kernel, marks, lambda: len(marks.targets) >= 10)
    assert marks.moved_before_mark == []
    assert 0 < kernel.now <= marks.targets[-1]


def test_while_marks_fail_the_clock_stays_and_the_driver_keeps_trying() -> None:
    kernel = Kernel(seed=0, start_ns=0)
    marks = Marks(kernel, failures=1_000_000)
    run_driver(kernel, marks, lambda: len(marks.targets) >= 10)
    assert kernel.now == 0, "the clock moved to an instant it could not mark"


def test_a_failing_tick_is_logged_once_and_the_owed_time_is_caught_up(caplog: pytest.LogCaptureFixture) -> None:
    kernel = Kernel(seed=0, start_ns=0)
    marks = Marks(kernel, failures=5)
    with caplog.at_level(logging.WARNING, logger="simulator.engine.driver"):
        run_driver(kernel, marks, lambda: len(marks.targets) >= 8)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None, "one traceback for a run of failures"
    assert any("moves again" in record.getMessage() for record in caplog.records)
    assert marks.targets[5] > marks.targets[4], "the wall time of the failed ticks is still owed"
    assert kernel.now > 0 and marks.moved_before_mark == []
