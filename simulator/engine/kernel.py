"""The kernel: one simpy Environment, its lock, and daily schedules.

Every state change (a request, an advance, a scheduled job) runs under the
kernel lock in simulated-time order, so the sandbox has exactly one writer.

Scheduled work runs isolated: an error escaping an action is logged on
stderr and the clock goes on. An exception must never unwind through simpy,
which would leave its stop event behind (the next `run_to` would stop at the
old target) and cannot re-raise exceptions whose constructors take more than
a message (botocore's ClientError among them).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from datetime import time
from functools import partial
from typing import Any

import simpy

from simulator.engine.clock import next_central_time
from simulator.engine.streams import RandomStreams

log = logging.getLogger(__name__)


class TimeTravelError(ValueError):
    """An advance to an instant before the current simulated time."""


class Kernel:
    """Simulated time and the one writer: a simpy Environment counting
    integer nanoseconds, the lock every state change takes, and the seeded
    streams and schedules that run on them. It knows nothing of clients,
    HTTP or AWS; a core runs on it, and `run_to` (an advance, a request's
    settling, the realtime driver's tick) is the only way time moves."""

    def __init__(self, *, seed: int, start_ns: int) -> None:
        self.seed = seed
        self.env = simpy.Environment(initial_time=start_ns)
        self.lock = threading.RLock()
        self.streams = RandomStreams(seed)
        self._after_run: list[Callable[[], None]] = []

    @property
    def now(self) -> int:
        return int(self.env.now)

    def on_settled(self, hook: Callable[[], None]) -> None:
        """Call `hook` after every run of the clock (e.g. to flush the outbox)."""
        self._after_run.append(hook)

    def run_to(self, target_ns: int) -> None:
        """Run everything due up to and including `target_ns`."""
        with self.lock:
            now = self.now
            if target_ns < now:
                raise TimeTravelError("time never goes backward")
            if target_ns > now:
                self.env.run(until=target_ns)
            self._drain_now()
            for hook in self._after_run:
                self.isolated("delivery after a run of the clock", hook)

    def settle(self) -> None:
        """Run the effects that are due now (zero-delay work after a command)."""
        self.run_to(self.now)

    def _drain_now(self) -> None:
        env = self.env
        while env.peek() == env.now:
            env.step()

    def isolated(self, what: str, action: Callable[[], Any]) -> None:
        """Run `action`; an error in it is logged as a failure of `what`, and goes no further."""
        try:
            action()
        except Exception:
            log.exception("%s failed at simulated instant %d; the sandbox goes on", what, self.now)

    def after(self, delay_ns: int, action: Callable[[], Any]) -> None:
        """Run `action` once, `delay_ns` from now."""

        def waiter() -> Generator[simpy.Event, Any, None]:
            yield self.env.timeout(delay_ns)
            self.isolated(_name_of(action), action)

        self.env.process(waiter())

    def at(self, when_ns: int, action: Callable[[], Any]) -> None:
        self.after(max(0, when_ns - self.now), action)

    def daily(self, at: time, action: Callable[[int], None]) -> None:
        """Run `action(instant)` at wall time `at` in Chicago, every day.

        The process sleeps until its next due instant, so quiet days cost one
        wake-up each.
        """

        def loop() -> Generator[simpy.Event, Any, None]:
            while True:
                due = next_central_time(self.now, at)
                yield self.env.timeout(due - self.now)
                self.isolated(f"the daily job at {at:%H:%M} CT", partial(action, self.now))

        self.env.process(loop())


def _name_of(action: Callable[[], Any]) -> str:
    return f"the scheduled {getattr(action, '__qualname__', 'action')}"
