"""Streams: live quotes and order entry events, read as a client reads them.

A client learns where the streams are from `GET /config` and opens them with
its token (`Sandbox.stream`, the frames a WebSocket client of `serve` reads).
"The quote stream" is the one opened last. Every Then phrase first reads what
has arrived, then checks everything the stream has shown in the scenario so
far, so the order of Then steps never matters.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, then, when

from simulator.engine.clock import parse_instant
from simulator.testing.context import API, CONTROL, BakktContext
from simulator.testing.grammar import phrase

if TYPE_CHECKING:
    from simulator.api.inprocess_stream import Stream

QUOTES = "the quote stream shows {symbol:Word}"
WATCH = '"{client:Text}" watches the quote stream'
ORDER_EVENT = "order/1"


@dataclass
class Watched:
    """One open stream and every frame it has shown so far."""

    stream: Stream
    frames: list[dict[str, Any]] = field(default_factory=list)

    def shown(self) -> list[dict[str, Any]]:
        self.frames.extend(self.stream)
        return self.frames


@dataclass
class Watching:
    """The streams a scenario opened: the latest quote stream, and each client's order events."""

    quotes: Watched | None = None
    order_events: dict[str, Watched] = field(default_factory=dict)

    def quote_frames(self, symbol: str) -> list[dict[str, Any]]:
        assert self.quotes is not None, "no client watches the quote stream yet"
        return [frame for frame in self.quotes.shown() if frame["symbol"] == symbol]

    def latest_quote(self, symbol: str) -> dict[str, Any]:
        frames = self.quote_frames(symbol)
        assert frames, f"the quote stream has shown no quote for {symbol}"
        return frames[-1]

    def close(self) -> None:
        for watched in [self.quotes, *self.order_events.values()]:
            if watched is not None:
                watched.stream.close()


@pytest.fixture
def bakkt_streams() -> Iterator[Watching]:
    """The streams the scenario's steps opened, closed after it."""
    watching = Watching()
    yield watching
    watching.close()


def open_stream(bakkt_context: BakktContext, client: str, url_field: str) -> Watched:
    """What the vendor's docs tell a client: call /config, connect to the URL it names with the token."""
    config = bakkt_context.api(client, "GET", f"{API}/config").expect(200)
    token = bakkt_context.bearer(client)["Authorization"]
    return Watched(bakkt_context.sandbox.stream(config[url_field], token))


@given(phrase(WATCH))
@when(phrase(WATCH))
def watch_quotes(bakkt_context: BakktContext, bakkt_streams: Watching, client: str) -> None:
    """Every symbol, each time its BBO refreshes (every simulated second) or its settings change."""
    bakkt_streams.quotes = open_stream(bakkt_context, client, "streamingQuoteUrl")


@given(phrase(WATCH + " for {symbols:Word}"))
@when(phrase(WATCH + " for {symbols:Word}"))
def watch_symbols(bakkt_context: BakktContext, bakkt_streams: Watching, client: str, symbols: str) -> None:
    """Only these symbols (comma-separated, `BTCUSD,ETHUSD`), starting with the current quote of each."""
    watch_quotes(bakkt_context, bakkt_streams, client)
    assert bakkt_streams.quotes is not None
    bakkt_streams.quotes.stream.subscribe(symbols.split(","))


@given(phrase('"{client:Text}" watches its order entry events'))
@when(phrase('"{client:Text}" watches its order entry events'))
def watch_order_events(bakkt_context: BakktContext, bakkt_streams: Watching, client: str) -> None:
    """The client's `order/1` payloads, from now on, in order."""
    bakkt_streams.order_events[client] = open_stream(bakkt_context, client, "streamingOrderEntryEventUrl")


@then(phrase(QUOTES + ' with a bid "{bid:Text}" and an ask "{ask:Text}"'))
def quote_is(bakkt_streams: Watching, symbol: str, bid: str, ask: str) -> None:
    """The symbol's latest quote; decimals compare by value."""
    quote = bakkt_streams.latest_quote(symbol)
    shown = (Decimal(quote.get("bid", "NaN")), Decimal(quote.get("ask", "NaN")))
    assert shown == (Decimal(bid), Decimal(ask)), f"the latest {symbol} quote is {quote}, expected bid {bid} and ask {ask}"


@then(phrase(QUOTES + " at the market's best bid and offer"))
def quote_is_the_bbo(bakkt_context: BakktContext, bakkt_streams: Watching, symbol: str) -> None:
    """The latest quote is the BBO `GET /sandbox/v1/market/{symbol}` shows now, its mid as `price`."""
    quote = bakkt_streams.latest_quote(symbol)
    book = bakkt_context.control("GET", f"{CONTROL}/market/{symbol}").expect(200)
    expected = {key: book[key] for key in ("bid", "bidSize", "ask", "askSize")} | {"price": book["mid"]}
    shown = {key: quote.get(key) for key in expected}
    assert shown == expected, f"the latest {symbol} quote is {quote}, the market shows {book}"


@then(phrase("the quote stream shows {count:d} quotes for {symbol:Word}"))
@then(phrase("the quote stream shows {count:d} quote for {symbol:Word}"))
def quote_count(bakkt_streams: Watching, count: int, symbol: str) -> None:
    """Quotes read so far (the Then steps read): one per refresh the clock stopped after, never a
    backlog; a quote not yet read when a newer one comes is replaced by it."""
    frames = bakkt_streams.quote_frames(symbol)
    assert len(frames) == count, f"the quote stream showed {len(frames)} quotes for {symbol}, expected {count}: {frames}"


@then(phrase(QUOTES + ' quoted at "{instant:Text}"'))
def quote_time(bakkt_streams: Watching, symbol: str, instant: str) -> None:
    """The latest quote's timestamp: the simulated instant its book came into force."""
    quote = bakkt_streams.latest_quote(symbol)
    assert parse_instant(quote["timestamp"]) == parse_instant(instant), f"the latest {symbol} quote is {quote}"


@then(phrase(QUOTES + " without a bid or an ask"))
def quote_without_prices(bakkt_streams: Watching, symbol: str) -> None:
    """During an outage no provider quotes: the frame keeps the mid as `price` and omits the rest."""
    quote = bakkt_streams.latest_quote(symbol)
    assert set(quote) == {"symbol", "price", "timestamp"}, f"the latest {symbol} quote is {quote}"


@then(phrase("\"{client:Text}\"'s order entry events match its queue's order events"))
def order_events_match_the_queue(bakkt_context: BakktContext, bakkt_streams: Watching, client: str) -> None:
    """The stream's frames are the payloads of the queue's `order/1` events, in order, and there is at least one."""
    watched = bakkt_streams.order_events.get(client)
    assert watched is not None, f'"{client}" does not watch its order entry events'
    queued = [envelope["payload"] for envelope in bakkt_context.read_queue(client) if envelope["event_type"] == ORDER_EVENT]
    shown = watched.shown()
    assert shown, f'"{client}"\'s order entry events showed nothing'
    assert shown == queued, f"the stream showed {shown}, the queue delivered {queued}"
