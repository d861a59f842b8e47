"""The simulation kernel: running to an instant, schedules, ordering (CONTRACT section 2)."""
from __future__ import annotations

from datetime import time

import pytest

from simulator.engine.clock import NS_PER_SECOND, iso_seconds, parse_instant
from simulator.engine.kernel import Kernel, TimeTravelError

START = parse_instant("2026-02-20T12:00:00Z")


@pytest.fixture
def kernel() -> Kernel:
    return Kernel(seed=7, start_ns=START)


def test_run_to_includes_the_target_instant(kernel: Kernel) -> None:
    target = START + 90 * NS_PER_SECOND
    ran: list[str] = []
    kernel.at(target, lambda: ran.append("at target"))
    kernel.at(target + 1, lambda: ran.append("after target"))
    kernel.run_to(target)
    assert ran == ["at target"]
    assert kernel.now == target


def test_work_started_at_the_target_instant_also_runs(kernel: Kernel) -> None:
    target = START + NS_PER_SECOND
    ran: list[str] = []

    def first() -> None:
        ran.append("first")
        kernel.after(0, lambda: ran.append("follow-up"))

    kernel.at(target, first)
    kernel.run_to(target)
    assert ran == ["first", "follow-up"]


def test_settle_runs_what_is_due_now(kernel: Kernel) -> None:
    ran: list[int] = []
    kernel.after(0, lambda: ran.append(kernel.now))
    kernel.settle()
    assert ran == [START]


def test_hooks_run_after_every_run(kernel: Kernel) -> None:
    seen: list[int] = []
    kernel.on_settled(lambda: seen.append(kernel.now))
    kernel.run_to(START + 5)
    kernel.settle()
    assert seen == [START + 5, START + 5]


def test_run_to_the_past_raises(kernel: Kernel) -> None:
    kernel.run_to(START + 10)
    with pytest.raises(TimeTravelError):
        kernel.run_to(START + 9)
    assert kernel.now == START + 10


def test_daily_runs_at_nine_central_for_thirty_days(kernel: Kernel) -> None:
    instants: list[int] = []
    kernel.daily(time(9, 0), instants.append)
    kernel.run_to(parse_instant("2026-03-21T14:00:00Z"))  # the 30th cutoff, exactly
    expected = [f"2026-02-{day:02d}T15:00:00Z" for day in range(20, 29)]
    expected += [f"2026-03-{day:02d}T15:00:00Z" for day in range(1, 8)]
    expected += [f"2026-03-{day:02d}T14:00:00Z" for day in range(8, 22)]  # CDT from 2026-03-08
    assert [iso_seconds(ns) for ns in instants] == expected
    assert len(instants) == 30


def test_events_at_the_same_instant_run_in_scheduling_order(kernel: Kernel) -> None:
    target = START + 7 * NS_PER_SECOND
    order: list[str] = []
    kernel.after(7 * NS_PER_SECOND, lambda: order.append("after"))
    for name in ("a", "b", "c", "d"):
        kernel.at(target, lambda name=name: order.append(name))
    kernel.at(target - 1, lambda: order.append("earlier"))
    kernel.run_to(target)
    assert order == ["earlier", "after", "a", "b", "c", "d"]


def test_quiet_time_advances_without_work(kernel: Kernel) -> None:
    far = START + 365 * 86_400 * NS_PER_SECOND
    kernel.run_to(far)
    assert kernel.now == far


def test_a_failing_action_is_logged_and_the_clock_reaches_its_target(
    kernel: Kernel, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("a bug in a scheduled job")

    kernel.at(START + 10, broken)
    kernel.at(START + 10, lambda: ran.append("same instant"))
    kernel.at(START + 20, lambda: ran.append("later"))
    kernel.run_to(START + 30)
    assert kernel.now == START + 30
    assert ran == ["same instant", "later"]
    assert "a bug in a scheduled job" in caplog.text


def test_after_a_failing_action_the_next_run_stops_at_its_own_target(kernel: Kernel) -> None:
    class Unraisable(Exception):
        """Like botocore's ClientError: its constructor wants more than a message."""

        def __init__(self, code: int, operation: str) -> None:
            super().__init__(f"{operation} failed with {code}")

    def broken() -> None:
        raise Unraisable(404, "PutObject")

    kernel.at(START + 10, broken)
    kernel.run_to(START + 100)
    kernel.run_to(START + 500)
    assert kernel.now == START + 500


def test_a_failing_daily_job_runs_again_the_next_day(kernel: Kernel) -> None:
    runs: list[str] = []

    def flaky(now: int) -> None:
        runs.append(iso_seconds(now))
        raise RuntimeError("fails every day")

    kernel.daily(time(9, 0), flaky)
    kernel.run_to(START + 2 * 86_400 * NS_PER_SECOND)
    assert runs == ["2026-02-20T15:00:00Z", "2026-02-21T15:00:00Z"]
