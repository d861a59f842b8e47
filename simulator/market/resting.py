"""The venue's resting LIMIT orders: each is looked at when the market reaches it.

The rule. After its first look, a LIMIT order that still works rests. It
looks at the book again whenever a book that crosses its limit (a BUY: the
best ask at or under it; a SELL: the best bid at or over it) comes into
force: at a quote refresh, or at a change of market settings, which changes
the book from that instant. It looks at no other instant, and at each book
once (it remembers the tick and the settings revision it last saw). No look
happens in the daily maintenance window, 16:30 to 17:05 CT: a crossing book
still in force when the window ends is looked at 17:05 CT. Polling could only
fill an order at an instant whose book crosses its limit; every such book is
looked at here no later than a poll would have met it, and an order looked at
on every crossing book never has more left to fill than a polled one. So
orders fill at the same instants as polling would find or earlier, the way a
real venue fills a resting order on the first quote through it.

The cost. Per symbol and side, orders are kept most aggressive limit first
(then by arrival). No order is crossed where the first one is not, so one
search (`SymbolMarket.first_crossing`, which skips the stretches of the price
walk that cannot reach the limit) finds the group's next look, over the open
hours up to the next maintenance window. The group sleeps until then, shows
the book to every order it crosses, and searches again from the next refresh.
A quiet group wakes once a day, at 17:05 CT, to search the next day's open
hours. So a resting order costs work when the price comes near it, not as
time passes.

When to search again: a change of settings searches from that instant; an
order that rests ahead of the group's first searches from the next refresh.
An order that leaves (filled, cancelled, expired) changes nothing: the
planned look is still no later than the next crossing of whoever leads now.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import takewhile

from simulator.domain.fees import Side
from simulator.engine.calendar import MAINTENANCE_END, MAINTENANCE_START, maintenance_end_if_inside
from simulator.engine.clock import next_central_time
from simulator.engine.kernel import Kernel
from simulator.market.quotes import Book, Market, SymbolMarket


@dataclass
class _Resting:
    priority: tuple[Decimal, int]
    """Most aggressive limit first, then arrival: sorts the group."""
    limit: Decimal
    look: Callable[[Book], None]
    seen: tuple[int, int]
    """The (tick, settings revision) of the last book it looked at."""


def _priority(entry: _Resting) -> tuple[Decimal, int]:
    return entry.priority


@dataclass
class _Group:
    """The resting orders of one symbol and side, and their one planned wake."""

    market: SymbolMarket
    side: Side
    entries: list[_Resting] = field(default_factory=list)
    wake_at: int | None = None
    plan: int = 0
    """Numbers the planned wake; a wake whose number is no longer current was replanned and does nothing."""


class RestingOrders:
    """Every client's resting LIMIT orders, grouped per symbol and side, each group
    with one planned wake on the kernel."""

    def __init__(self, kernel: Kernel, market: Market) -> None:
        self._kernel = kernel
        self._groups: dict[tuple[str, Side], _Group] = {}
        self._resting: dict[Hashable, tuple[_Group, _Resting]] = {}
        self._arrivals = 0
        for symbol, symbol_market in market.symbols.items():
            groups = [_Group(symbol_market, side) for side in Side]
            for group in groups:
                self._groups[(symbol, group.side)] = group
            symbol_market.watch(partial(self._settings_changed, groups))

    def rest(self, key: Hashable, symbol: str, side: Side, limit: Decimal, look: Callable[[Book], None]) -> None:
        """Rest an order that has just looked at the current book.

        `look(book)` is called at every later book that crosses `limit` (see the
        module's rule) until `withdraw(key)`.
        """
        group = self._groups[(symbol, side)]
        market, now = group.market, self._kernel.now
        aggressiveness = -limit if side is Side.BUY else limit
        entry = _Resting((aggressiveness, self._arrivals), limit, look, (market.tick_of(now), market.revision))
        self._arrivals += 1
        leads = not group.entries or entry.priority < group.entries[0].priority
        bisect.insort(group.entries, entry, key=_priority)
        self._resting[key] = (group, entry)
        if leads:
            self._plan(group, market.refreshed_at(market.tick_of(now) + 1))

    def withdraw(self, key: Hashable) -> None:
        """Stop resting the order under `key`; nothing if it does not rest."""
        found = self._resting.pop(key, None)
        if found is not None:
            group, entry = found
            del group.entries[bisect.bisect_left(group.entries, entry.priority, key=_priority)]

    def _settings_changed(self, groups: list[_Group]) -> None:
        for group in groups:
            self._plan(group, self._kernel.now)

    def _plan(self, group: _Group, from_ns: int) -> None:
        """Plan the group's next wake: a look at the first book from `from_ns` (or from
        the wake already planned, if earlier) that crosses the leading limit, or
        a search of the next open hours when the ones from there hold none."""
        if group.wake_at is not None:
            from_ns = min(from_ns, group.wake_at)
        group.plan += 1
        group.wake_at = None
        if not group.entries:
            return
        reopens = maintenance_end_if_inside(from_ns)
        if reopens is not None:
            from_ns = reopens
        closes = next_central_time(from_ns, MAINTENANCE_START)
        market = group.market
        first, stop = market.tick_of(from_ns), market.tick_of(closes - 1) + 1
        tick = market.first_crossing(group.side, group.entries[0].limit, first, stop)
        if tick is None:
            self._wake(group, next_central_time(closes, MAINTENANCE_END), self._search_again)
        else:
            self._wake(group, max(market.refreshed_at(tick), from_ns), self._look)

    def _wake(self, group: _Group, at_ns: int, action: Callable[[_Group], None]) -> None:
        group.wake_at = at_ns
        plan = group.plan

        def wake() -> None:
            if group.plan == plan:
                group.wake_at = None
                action(group)

        self._kernel.at(at_ns, wake)

    def _search_again(self, group: _Group) -> None:
        self._plan(group, self._kernel.now)

    def _look(self, group: _Group) -> None:
        """Show the book to every order it crosses that has not seen it yet, then plan
        the next wake from the next refresh (whatever a look does)."""
        market, now = group.market, self._kernel.now
        book = market.book_at(now)
        seen = (market.tick_of(now), market.revision)
        crossed = list(takewhile(lambda entry: book.crosses(group.side, entry.limit), group.entries))
        try:
            for entry in crossed:
                if entry.seen != seen:
                    entry.seen = seen
                    entry.look(book)
        finally:
            self._plan(group, market.refreshed_at(seen[0] + 1))
