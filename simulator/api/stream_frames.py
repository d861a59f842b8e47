"""The streams' wire format (CONTRACT 19): paths, frames, the client's message, close codes.

The vendor publishes no frame layout, so ours lives here alone: when theirs
is published, this module is what changes. Frames are compact JSON text,
rendered once per refresh or event and handed to every subscriber as the
same string, so the in-process stream and the WebSocket carry the same
bytes. Decimals are written as the REST answers write them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from simulator.domain.decimals import format_decimal
from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import iso_nanos
from simulator.market.quotes import Book

QUOTES_PATH = "/socket/quotes"
ORDER_EVENTS_PATH = "/socket/order_entry/events"
STREAM_PATHS = (QUOTES_PATH, ORDER_EVENTS_PATH)
ORDER_EVENT_TYPE = "order/1"
_COMPACT = json.JSONEncoder(separators=(",", ":"), check_circular=False)


class FrameError(ValueError):
    """A message from the client that the stream cannot take; the text says what it takes."""


@dataclass(frozen=True)
class Closing:
    """Why the sandbox ends a stream: a WebSocket close code and a reason (at most 123 bytes)."""

    code: int
    reason: str


STOPPING = Closing(1001, "the sandbox is stopping")
RESET = Closing(1012, "the sandbox was reset: log in again and reconnect")
REFUSED_MESSAGE = 1008
"""The close code for a message the stream cannot take (policy violation)."""


def config_body(stream_url: str) -> dict[str, str]:
    """`GET /config`: where the two streams are, under the sandbox's stream URL."""
    return {
        "streamingQuoteUrl": f"{stream_url}{QUOTES_PATH}",
        "streamingOrderEntryEventUrl": f"{stream_url}{ORDER_EVENTS_PATH}",
    }


def quote_frame(book: Book, instant_ns: int) -> str:
    """One symbol's BBO: the best bid and offer across the providers, their sizes, the
    mid as `price`. Under an outage there is no bid or ask, and the frame omits them,
    as `GET /sandbox/v1/market/{symbol}` does."""
    frame: dict[str, str] = {"symbol": book.symbol}
    bid, ask = book.best_bid, book.best_ask
    if bid is not None and ask is not None:
        frame.update(
            bid=format_decimal(bid.bid),
            bidSize=format_decimal(bid.bid_size),
            ask=format_decimal(ask.ask),
            askSize=format_decimal(ask.ask_size),
        )
    frame.update(price=format_decimal(book.mid), timestamp=iso_nanos(instant_ns))
    return _COMPACT.encode(frame)


def order_frame(envelope: str) -> str:
    """An `order/1` event's payload (the Order, as the queue's envelope carries it)."""
    payload: Any = json.loads(envelope)["payload"]
    return _COMPACT.encode(payload)


def subscribed_symbols(message: str) -> tuple[str, ...]:
    """The symbols of `{"subscribe": ["BTCUSD", ...]}`, each once, in the order given."""
    try:
        parsed: Any = json.loads(message)
    except (ValueError, RecursionError):
        raise FrameError('send {"subscribe": ["BTCUSD", ...]}: this message is not JSON') from None
    symbols = parsed.get("subscribe") if isinstance(parsed, dict) else None
    if not isinstance(symbols, list) or not symbols or not all(isinstance(symbol, str) for symbol in symbols):
        raise FrameError('send {"subscribe": ["BTCUSD", ...]}: a list of one or more symbols')
    unknown = [symbol for symbol in symbols if symbol not in INSTRUMENTS]
    if unknown:
        raise FrameError(f"unknown symbol {unknown[0][:40]!r}; GET /instruments lists them")
    return tuple(dict.fromkeys(symbols))
