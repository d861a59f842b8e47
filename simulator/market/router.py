"""Sends market orders to the simulated venue and reports fills after a latency;
holds the venue's resting LIMIT orders (`resting`)."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from simulator.domain.fees import Side
from simulator.engine.clock import NS_PER_MS
from simulator.engine.kernel import Kernel
from simulator.market.fills import FillResult, fill_market_order
from simulator.market.quotes import Book, Market
from simulator.market.resting import RestingOrders

DEFAULT_LATENCY_MS = 250


class OrderRouter:
    def __init__(self, kernel: Kernel, market: Market, latency_ms: Callable[[], int]) -> None:
        """`latency_ms` reads the fill latency in force (a fault setting the service layer owns)."""
        self._kernel = kernel
        self._market = market
        self._latency_ms = latency_ms
        self.resting = RestingOrders(kernel, market)

    def latency_ns(self) -> int:
        """How long an order takes to reach the venue now."""
        return self._latency_ms() * NS_PER_MS

    def submit(
        self,
        symbol: str,
        side: Side,
        *,
        quantity: Decimal | None = None,
        notional: Decimal | None = None,
        sweep_remainder: bool,
        not_before_ns: int,
        on_result: Callable[[FillResult, Book], None],
    ) -> int:
        """Fill against the book of the instant the order reaches the venue; answer that instant."""
        arrival = max(self._kernel.now, not_before_ns) + self.latency_ns()
        increment = self._market[symbol].instrument.minimum_quantity_increment

        def fill() -> None:
            book = self._market.book(symbol, self._kernel.now)
            result = fill_market_order(
                book, side, increment=increment, quantity=quantity, notional=notional, sweep_remainder=sweep_remainder
            )
            on_result(result, book)

        self._kernel.at(arrival, fill)
        return arrival
