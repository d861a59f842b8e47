"""Per-connection buffers of stream frames: bounded, so a slow reader costs nothing.

The publisher (the hub, on the clock's thread, under the kernel lock) only
ever puts a frame in a buffer and wakes its reader; it never waits for one.
What a reader has not taken stays bounded:

- quotes: one frame per symbol, the latest (a newer quote replaces the one
  waiting, in place), so a connection holds at most one frame per symbol
  however far it falls behind, and an advance past many refreshes leaves
  each symbol's latest quote, never a backlog;
- order events: every frame, in order, up to MAX_PENDING_EVENTS; one more
  and the buffer is dropped and the stream closed (1008), since a stream that
  silently skipped an order's events would mislead. The client reconnects
  and reads `GET /orders/{clientOrderId}`.

A reader either waits on the buffer (the in-process stream) or is woken by
`notify` (the WebSocket server's event loop), called only when the buffer
goes from empty to not empty, or when it closes.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Collection

from simulator.api.stream_frames import Closing

MAX_PENDING_EVENTS = 1000
TOO_SLOW = Closing(1008, f"more than {MAX_PENDING_EVENTS} order events unread: reconnect and read GET /orders")
GONE = Closing(1000, "the reader left")
Notify = Callable[[], None]


class StreamBuffer(ABC):
    """One connection's frames not yet taken, and why it closed, once it did."""

    def __init__(self, client_id: str, notify: Notify | None) -> None:
        self.client_id = client_id
        self._notify = notify
        self._ready = threading.Condition()
        """Reentrant (an RLock): an overflowing offer closes the buffer while holding it."""
        self.closing: Closing | None = None

    @abstractmethod
    def _has_frames(self) -> bool: ...

    @abstractmethod
    def _drain(self) -> list[str]: ...

    def take(self) -> list[str]:
        """Every frame waiting, oldest first, without waiting for more."""
        with self._ready:
            return self._drain()

    def wait(self, timeout: float) -> list[str]:
        """The frames waiting, once there is one or the buffer closed, waiting at most `timeout` seconds."""
        with self._ready:
            self._ready.wait_for(lambda: self._has_frames() or self.closing is not None, timeout)
            return self._drain()

    def close(self, closing: Closing) -> None:
        """No more frames; the reader takes what waits, then learns why. The first reason stays."""
        with self._ready:
            if self.closing is not None:
                return
            self.closing = closing
            self._ready.notify_all()
        self._wake()

    def _offered(self, was_empty: bool) -> None:
        """Called holding the condition, after a frame went in."""
        if was_empty:
            self._ready.notify_all()
            self._wake()

    def _wake(self) -> None:
        if self._notify is not None:
            self._notify()


class QuoteBuffer(StreamBuffer):
    """The latest quote of each subscribed symbol not yet taken."""

    def __init__(self, client_id: str, symbols: Collection[str], notify: Notify | None = None) -> None:
        super().__init__(client_id, notify)
        self.symbols = frozenset(symbols)
        self._latest: dict[str, str] = {}

    def _has_frames(self) -> bool:
        return bool(self._latest)

    def _drain(self) -> list[str]:
        frames, self._latest = list(self._latest.values()), {}
        return frames

    def offer(self, symbol: str, frame: str) -> None:
        with self._ready:
            if self.closing is not None:
                return
            was_empty = not self._latest
            self._latest[symbol] = frame
            self._offered(was_empty)

    def resubscribe(self, current: dict[str, str]) -> None:
        """Now only these symbols, starting from their current quotes (which supersede any waiting)."""
        with self._ready:
            if self.closing is not None:
                return
            was_empty = not self._latest
            self.symbols = frozenset(current)
            self._latest = dict(current)
            self._offered(was_empty)


class OrderEventBuffer(StreamBuffer):
    """A client's order event frames not yet taken, in order, at most MAX_PENDING_EVENTS."""

    def __init__(self, client_id: str, notify: Notify | None = None) -> None:
        super().__init__(client_id, notify)
        self._frames: deque[str] = deque()

    def _has_frames(self) -> bool:
        return bool(self._frames)

    def _drain(self) -> list[str]:
        frames = list(self._frames)
        self._frames.clear()
        return frames

    def offer(self, frame: str) -> None:
        with self._ready:
            if self.closing is not None:
                return
            if len(self._frames) >= MAX_PENDING_EVENTS:
                self._frames.clear()
                self.close(TOO_SLOW)
                return
            was_empty = not self._frames
            self._frames.append(frame)
            self._offered(was_empty)
