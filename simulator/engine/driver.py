"""The realtime clock: a background thread that moves simulated time with the wall.

It is the one place that reads the wall clock. Each tick advances the
kernel by the wall time elapsed since the last tick times the speed, so a
manual `advance` in between (a jump) is kept, not undone.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from simulator.engine.clock import NS_PER_SECOND
from simulator.engine.kernel import Kernel

TICK_SECONDS = 0.02


class RealtimeDriver:
    def __init__(
        self,
        kernel_of: Callable[[], Kernel],
        speed: float,
        on_tick: Callable[[int], None] | None = None,
    ) -> None:
        self._kernel_of = kernel_of
        self._speed = speed
        self._on_tick = on_tick
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bakkt-sandbox-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        last = time.monotonic()
        while not self._stopped.wait(TICK_SECONDS):
            wall = time.monotonic()
            step_ns = int((wall - last) * self._speed * NS_PER_SECOND)
            last = wall
            kernel = self._kernel_of()
            with kernel.lock:
                kernel.run_to(kernel.now + step_ns)
                if self._on_tick is not None:
                    self._on_tick(kernel.now)
