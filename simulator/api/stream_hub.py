"""One world's streams: who listens, and the frames the world's changes make.

The hub publishes from inside the world, under the kernel lock, so a frame
is a pure function of the seed and the inputs, whoever reads it and however
fast:

- quotes, after every run of the clock (an advance, a request settling, a
  realtime tick): each symbol whose book is no longer the one last
  published (a later refresh tick, or new market settings) gets one frame,
  its book at the instant the run reached. A run past many refreshes thus
  publishes each symbol's latest quote once. A frame's timestamp is the
  instant its book came into force: the refresh, or the settings change
  within it. Frames are rendered once per symbol, only when a subscriber
  wants the symbol, and the quiet case (no refresh due, no settings
  changed) is one comparison;
- order events, as the journal records them: each `order/1` payload goes to
  the streams of the client it belongs to, in journal order.

Registering a stream, and a subscribe, also run under the kernel lock: a
stream is registered before its upgrade is answered, so it sees every
frame published after its client connected, and a subscribe's current
quotes are those of the instant it ran at.
"""
from __future__ import annotations

from functools import partial

from simulator.api.stream_buffers import Notify, OrderEventBuffer, QuoteBuffer, StreamBuffer
from simulator.api.stream_frames import (
    ORDER_EVENT_TYPE,
    QUOTES_PATH,
    STREAM_PATHS,
    Closing,
    FrameError,
    order_frame,
    quote_frame,
    subscribed_symbols,
)
from simulator.errors import SandboxError
from simulator.service.clients import authenticate
from simulator.service.core import SandboxCore
from simulator.service.errors import UNAUTHORIZED, ApiError
from simulator.service.journal import JournalEntry


class StreamRefused(SandboxError):
    """A stream that cannot open: an unknown path (404) or no valid token (401)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class StreamHub:
    """The streams of one core, from its start to a reset (which closes them: their tokens died with it)."""

    def __init__(self, core: SandboxCore) -> None:
        self._core = core
        self._quotes: list[QuoteBuffer] = []
        self._events: dict[str, list[OrderEventBuffer]] = {}
        self._closed: Closing | None = None
        markets = core.market.symbols
        self._published = {symbol: (market.tick_of(core.now), market.revision) for symbol, market in markets.items()}
        """Per symbol, the (refresh tick, settings revision) of the book last published."""
        self._changed_ns = dict.fromkeys(markets, core.start_ns)
        """Per symbol, the instant its settings last changed."""
        self._next_refresh_ns = self._next_refresh(core.now)
        self._settings_changed = False
        for symbol, market in markets.items():
            market.watch(partial(self._settings_change, symbol))
        core.kernel.on_settled(self._publish_quotes)
        core.journal.subscribe(self._publish_event)

    def open(self, path: str, authorization: str | None, notify: Notify | None = None) -> StreamBuffer:
        """A new stream of `path` for the client whose token `authorization` carries (raw or Bearer)."""
        with self._core.kernel.lock:
            if path not in STREAM_PATHS:
                raise StreamRefused(404, f"No such stream: {path[:100]}; the streams are {', '.join(STREAM_PATHS)}")
            try:
                if self._closed is not None:
                    raise ApiError(401, UNAUTHORIZED)  # a reset ended this world's tokens
                client_id = authenticate(self._core, authorization).client_id
            except ApiError:
                raise StreamRefused(401, UNAUTHORIZED) from None
            if path == QUOTES_PATH:
                quotes = QuoteBuffer(client_id, self._core.market.symbols, notify)
                self._quotes.append(quotes)
                return quotes
            events = OrderEventBuffer(client_id, notify)
            self._events.setdefault(client_id, []).append(events)
            return events

    def receive(self, stream: StreamBuffer, message: str) -> None:
        """A message from a stream's client: a quote stream's `{"subscribe": [...]}`,
        answered at once with the current quote of each symbol it names."""
        if not isinstance(stream, QuoteBuffer):
            raise FrameError("the order entry event stream takes no messages")
        symbols = subscribed_symbols(message)
        with self._core.kernel.lock:
            now = self._core.now
            stream.resubscribe({symbol: self._quote(symbol, now) for symbol in symbols})

    def close(self, closing: Closing) -> None:
        """End every stream (a reset, the sandbox stopping); no stream opens after."""
        with self._core.kernel.lock:
            self._closed = closing
            for stream in [*self._quotes, *(s for streams in self._events.values() for s in streams)]:
                stream.close(closing)
            self._quotes, self._events = [], {}

    # publishing, under the kernel lock

    def _settings_change(self, symbol: str) -> None:
        self._changed_ns[symbol] = self._core.now
        self._settings_changed = True

    def _next_refresh(self, now: int) -> int:
        return min(market.refreshed_at(market.tick_of(now) + 1) for market in self._core.market.symbols.values())

    def _quote(self, symbol: str, now: int) -> str:
        book = self._core.market.book(symbol, now)
        return quote_frame(book, max(book.time_ns, self._changed_ns[symbol]))

    def _publish_quotes(self) -> None:
        now = self._core.now
        if now < self._next_refresh_ns and not self._settings_changed:
            return
        self._settings_changed = False
        self._next_refresh_ns = self._next_refresh(now)
        self._quotes = listening = [stream for stream in self._quotes if stream.closing is None]
        for symbol, market in self._core.market.symbols.items():
            book_key = (market.tick_of(now), market.revision)
            if book_key == self._published[symbol]:
                continue
            self._published[symbol] = book_key
            wanting = [stream for stream in listening if symbol in stream.symbols]
            if wanting:
                frame = self._quote(symbol, now)
                for stream in wanting:
                    stream.offer(symbol, frame)

    def _publish_event(self, entry: JournalEntry, now_ns: int) -> None:
        if entry.event_type != ORDER_EVENT_TYPE or entry.client not in self._events:
            return
        listening = [stream for stream in self._events[entry.client] if stream.closing is None]
        if not listening:
            del self._events[entry.client]
            return
        self._events[entry.client] = listening
        frame = order_frame(entry.envelope)
        for stream in listening:
            stream.offer(frame)
