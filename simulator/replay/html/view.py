"""What the page shows, read from a RunResult into plain records (no drawing here).

Everything is a function of the result, so the page is as reproducible as
the rest of the report folder.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import NS_PER_SECOND
from simulator.replay.html.events import Event, EventRow, event_rows, read_events
from simulator.replay.html.fills import Fill, read_fills
from simulator.replay.html.lifecycles import BatchLifecycle, read_lifecycles
from simulator.replay.html.market import MarketChange, chart_span, market_changes
from simulator.replay.html.settlement import ClientFile, SettlementWindow, other_files, read_windows
from simulator.replay.outcome import RunResult
from simulator.replay.summary import failure_count

CLOSE_UP_SHARE = 0.2
"""Fills spread over less than this share of the run also get a close-up chart."""
CLOSE_UP_PAD_NS = 30 * NS_PER_SECOND


@dataclass(frozen=True)
class Tally:
    """One figure of the at-a-glance strip."""

    label: str
    value: int
    detail: str = ""


@dataclass(frozen=True)
class RunView:
    span: tuple[int, int]
    """The time axis of the price charts: the run's span, at least a minute."""
    rows: tuple[EventRow, ...]
    fills: tuple[Fill, ...]
    batches: tuple[BatchLifecycle, ...]
    windows: tuple[SettlementWindow, ...]
    other_files: tuple[ClientFile, ...]
    market_changes: tuple[MarketChange, ...]
    symbols: tuple[str, ...]
    """Symbols with a fill, a batch or a market setting, in the instruments' order."""
    tallies: tuple[Tally, ...]
    failure_count: str
    """The failures' heading as the text summary words it, broken invariants named apart."""

    @property
    def cutoffs(self) -> tuple[int, ...]:
        """The distinct ends of settlement windows inside the charts' span."""
        low, high = self.span
        return tuple(sorted({w.to_ns for w in self.windows if w.to_ns is not None and low <= w.to_ns <= high}))


def read_run(result: RunResult) -> RunView:
    events = read_events(result.events)
    fills = read_fills(events)
    batches = read_lifecycles(events)
    changes = market_changes(result.requests)
    named = {fill.symbol for fill in fills} | {batch.symbol for batch in batches} | {c.symbol for c in changes}
    return RunView(
        span=chart_span(result.start_ns, result.end_ns),
        rows=event_rows(events),
        fills=fills,
        batches=batches,
        windows=read_windows(result.files),
        other_files=other_files(result.files),
        market_changes=changes,
        symbols=tuple(symbol for symbol in INSTRUMENTS if symbol in named),
        tallies=tallies(result, events, fills, batches),
        failure_count=failure_count(result),
    )


def status_counts(events: Sequence[Event], kind: str) -> Counter[str]:
    return Counter(event.status for event in events if event.kind == kind)


def tallies(
    result: RunResult, events: Sequence[Event], fills: Sequence[Fill], batches: Sequence[BatchLifecycle]
) -> tuple[Tally, ...]:
    finals = Counter(batch.final_status for batch in batches)
    allocations, gifts = status_counts(events, "allocation"), status_counts(events, "gift")
    orders = {(event.client, event.request.get("clientOrderId")) for event in events if event.kind == "order"}
    return (
        Tally("failures", len(result.failures), "expectations that did not hold and invariants broken"),
        Tally("requests", len(result.requests), f"{sum(1 for r in result.requests if r.status >= 400)} answered 4xx/5xx"),
        Tally("events", len(events)),
        Tally("batches", len(batches), f"{finals['COMPLETE']} complete, {finals['REJECTED']} rejected"),
        Tally("allocations", sum(allocations.values()), f"{allocations['COMPLETE']} complete, {allocations['REJECTED']} rejected"),
        Tally("orders", len(orders)),
        Tally("gifts", sum(gifts.values()), f"{gifts['COMPLETE']} complete, {gifts['REJECTED']} rejected"),
        Tally("fills", len(fills)),
        Tally("files", len(result.files)),
        Tally("emails", len(result.emails)),
    )


def close_up_span(fills: Sequence[Fill], span: tuple[int, int]) -> tuple[int, int] | None:
    """A narrower window around the fills when they would crowd into a sliver of the whole run."""
    if not fills:
        return None
    first, last = fills[0].time_ns, fills[-1].time_ns
    pad = max((last - first) // 4, CLOSE_UP_PAD_NS)
    low, high = max(span[0], first - pad), min(span[1], last + pad)
    return (low, high) if high - low < (span[1] - span[0]) * CLOSE_UP_SHARE else None
