"""The realtime clock: a background thread that moves simulated time with the wall.

It is the one place that reads the wall clock. Each tick advances the
kernel by the wall time elapsed since the last tick times the speed, so a
manual `advance` in between (a jump) is kept, not undone.

A tick first tells `before_run` its target, under the kernel lock and
before the kernel moves (`serve --db` logs it there, so nothing the kernel
then shows can be lost to a kill -9). A tick that fails, in `before_run` or
in the kernel, is logged on stderr and the clock keeps ticking: wall time
not yet turned into simulated time is carried to the next tick, so simulated
time never freezes for good, and never moves without its mark.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from simulator.engine.clock import NS_PER_SECOND
from simulator.engine.kernel import Kernel

TICK_SECONDS = 0.02
log = logging.getLogger(__name__)


class RealtimeDriver:
    def __init__(
        self,
        kernel_of: Callable[[], Kernel],
        speed: float,
        before_run: Callable[[int], None] | None = None,
    ) -> None:
        self._kernel_of = kernel_of
        self._speed = speed
        self._before_run = before_run
        self._stopped = threading.Event()
        self._failing = False
        """True from a failed tick until one succeeds: a failure that repeats is logged once."""
        self._thread = threading.Thread(target=self._loop, name="bakkt-sandbox-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        last = time.monotonic()
        owed_ns = 0
        while not self._stopped.wait(TICK_SECONDS):
            wall = time.monotonic()
            owed_ns = self._tick(owed_ns + int((wall - last) * self._speed * NS_PER_SECOND))
            last = wall

    def _tick(self, owed_ns: int) -> int:
        """Run the kernel `owed_ns` forward; what is still owed after (nothing, unless the tick failed)."""
        kernel = self._kernel_of()
        with kernel.lock:
            if kernel is not self._kernel_of():
                return 0  # a reset replaced the kernel while this tick waited for its lock
            target = kernel.now + owed_ns
            try:
                if self._before_run is not None:
                    self._before_run(target)
                kernel.run_to(target)
            except Exception:
                if not self._failing:
                    log.exception("the realtime clock could not move; it tries again every tick")
                self._failing = True
                return target - kernel.now
        if self._failing:
            log.warning("the realtime clock moves again")
            self._failing = False
        return 0
