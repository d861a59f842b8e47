"""The market as the page draws it: samples of the mid and the BBO, and the settings changes.

The market is a pure function of time, so it is sampled after the run: an
even grid across the span, plus every fill and every settings change, so
that a fill is drawn against the exact quotes it met and an outage starts
and ends where it did. Quotes refresh once a simulated second, so the grid
is never finer than that, and a run shorter than a minute is drawn over a
minute.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.market.quotes import QUOTE_INTERVAL_NS, Market
from simulator.replay.html.lenient import instant_or_none
from simulator.replay.outcome import RequestRecord
from simulator.replay.scenario import CONTROL_PREFIX

SAMPLES = 480
"""Grid points across a chart: about one per two pixels of its plot area."""
MIN_SPAN_NS = 60 * QUOTE_INTERVAL_NS
MARKET_PATH = f"{CONTROL_PREFIX}market/"


@dataclass(frozen=True)
class QuotePoint:
    time_ns: int
    mid: float
    bid: float | None
    """None while the book is empty (an outage)."""
    ask: float | None


@dataclass(frozen=True)
class MarketChange:
    time_ns: int
    symbol: str
    settings: str
    """The settings as sent, e.g. `outage true` or `price 43000.00, volatility 0`."""
    where: str


def chart_span(start_ns: int, end_ns: int) -> tuple[int, int]:
    return start_ns, max(end_ns, start_ns + MIN_SPAN_NS)


def market_changes(requests: Iterable[RequestRecord]) -> tuple[MarketChange, ...]:
    """Accepted market settings, at the quote refresh they took effect (the answer's `time`)."""
    changes = []
    for record in requests:
        if record.method != "POST" or not record.path.startswith(MARKET_PATH) or record.status != 200:
            continue
        time_ns = instant_or_none(record.response.get("time")) if isinstance(record.response, dict) else None
        body = record.body if isinstance(record.body, dict) else {}
        if time_ns is not None:
            settings = ", ".join(f"{name} {str(value).lower() if isinstance(value, bool) else value}" for name, value in body.items())
            changes.append(MarketChange(time_ns, record.path.removeprefix(MARKET_PATH), settings, record.where))
    return tuple(changes)


def edges(changes: Iterable[MarketChange], symbol: str) -> list[int]:
    """Each settings change of `symbol` and the nanosecond before it, so lines end and start where the quotes did."""
    return [ns for change in changes if change.symbol == symbol for ns in (change.time_ns - 1, change.time_ns)]


def sample_instants(low_ns: int, high_ns: int, extra: Iterable[int], points: int = SAMPLES) -> list[int]:
    step = max((high_ns - low_ns) // (points - 1), QUOTE_INTERVAL_NS)
    grid = set(range(low_ns, high_ns, step))
    grid.add(high_ns)
    grid.update(ns for ns in extra if low_ns <= ns <= high_ns)
    return sorted(grid)


def sample_quotes(market: Market, symbol: str, instants: Iterable[int]) -> tuple[QuotePoint, ...]:
    points = []
    for ns in instants:
        book = market.book(symbol, ns)
        bid, ask = book.best_bid, book.best_ask
        points.append(
            QuotePoint(
                time_ns=ns,
                mid=float(book.mid),
                bid=None if bid is None else float(bid.bid),
                ask=None if ask is None else float(ask.ask),
            )
        )
    return tuple(points)


def outage_spans(points: Iterable[QuotePoint]) -> tuple[tuple[int, int], ...]:
    """[first empty sample, next sample with quotes) for each run of empty books."""
    spans: list[tuple[int, int]] = []
    began: int | None = None
    last_ns: int | None = None
    for point in points:
        if point.bid is None and began is None:
            began = point.time_ns
        elif point.bid is not None and began is not None:
            spans.append((began, point.time_ns))
            began = None
        last_ns = point.time_ns
    if began is not None and last_ns is not None:
        spans.append((began, last_ns))
    return tuple(spans)
