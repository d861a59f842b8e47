"""Liquidity providers' quotes and the BBO, computed from the seed and the instant.

Quotes refresh every QUOTE_INTERVAL of simulated time. Nothing ticks through
quiet hours: a quote is worked out when someone asks for it.

Nor does anything tick to find when the market reaches a price:
`SymbolMarket.first_crossing` turns "the BBO crosses this limit" into a
threshold on the price walk (every step from the walk to the BBO is
monotone), lets the walk skip the stretches that cannot reach it, and
confirms each tick it proposes with the real book.
"""
from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from simulator.domain.decimals import format_decimal, round_to
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS, Instrument
from simulator.engine.clock import NS_PER_SECOND, iso_millis
from simulator.market.walk import BrownianWalk

QUOTE_INTERVAL_NS = NS_PER_SECOND
SECONDS_PER_YEAR = 365.25 * 86_400
DEFAULT_SPREAD_BPS = 10
LOG_PRICE_MARGIN = 1e-9
"""Slack on a crossing threshold, in log price: far more than the float error of
exp, log and the Decimal product, far less than a price increment."""


@dataclass(frozen=True)
class Provider:
    name: str
    spread_factor: float
    """Multiple of the symbol's spread this provider quotes."""
    depth_usd: int
    """Typical USD value it quotes on each side."""


PROVIDERS = (
    Provider("LP-ALPHA", 1.0, 250_000),
    Provider("LP-BRAVO", 1.5, 750_000),
    Provider("LP-CHARLIE", 2.25, 2_000_000),
)
PROVIDER_NAMES = tuple(provider.name for provider in PROVIDERS)


@dataclass(frozen=True)
class PinnedSizes:
    """The sizes a provider quotes on every refresh instead of its seeded ones, so a
    test can work a multi-provider fill out by hand whatever the seed; a side left
    None keeps its seeded size."""

    bid: Decimal | None = None
    ask: Decimal | None = None


@dataclass(frozen=True)
class Regime:
    """Market settings in force from `from_tick` on (set by the control API)."""

    from_tick: int
    base_price: Decimal
    volatility: float
    spread_bps: float
    outage: bool
    sizes: Mapping[str, PinnedSizes]
    """Pinned sizes by provider name; a provider not named quotes its seeded sizes."""


UNPINNED = PinnedSizes()


@dataclass(frozen=True)
class ProviderQuote:
    provider: str
    bid: Decimal
    ask: Decimal
    bid_size: Decimal
    ask_size: Decimal

    def to_api(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "bid": format_decimal(self.bid),
            "ask": format_decimal(self.ask),
            "bidSize": format_decimal(self.bid_size),
            "askSize": format_decimal(self.ask_size),
        }


@dataclass(frozen=True)
class Book:
    """All providers' quotes for one symbol at one refresh instant."""

    symbol: str
    time_ns: int
    mid: Decimal
    quotes: tuple[ProviderQuote, ...]

    @property
    def best_bid(self) -> ProviderQuote | None:
        return max(self.quotes, key=lambda q: q.bid, default=None)

    @property
    def best_ask(self) -> ProviderQuote | None:
        return min(self.quotes, key=lambda q: q.ask, default=None)

    def crosses(self, side: Side, limit: Decimal) -> bool:
        """Whether a `side` order limited to `limit` finds a quote to take (what a
        limit lets the fill engine use: asks at or under it, bids at or over it)."""
        if side is Side.BUY:
            best_ask = self.best_ask
            return best_ask is not None and best_ask.ask <= limit
        best_bid = self.best_bid
        return best_bid is not None and best_bid.bid >= limit

    def to_api(self) -> dict[str, object]:
        body: dict[str, object] = {"symbol": self.symbol}
        bid, ask = self.best_bid, self.best_ask
        if bid is not None and ask is not None:
            body.update(
                bid=format_decimal(bid.bid),
                ask=format_decimal(ask.ask),
                bidSize=format_decimal(bid.bid_size),
                askSize=format_decimal(ask.ask_size),
            )
        body["mid"] = format_decimal(self.mid)
        body["time"] = iso_millis(self.time_ns)
        body["providers"] = [q.to_api() for q in self.quotes]
        return body


class SymbolMarket:
    """One symbol's price walk, its regimes, and its providers' quotes."""

    def __init__(self, seed: int, instrument: Instrument, origin_ns: int) -> None:
        self.instrument = instrument
        self.origin_ns = origin_ns
        self._seed = seed
        self._walk = BrownianWalk(seed, instrument.symbol)
        self._regimes = [Regime(0, instrument.start_mid, instrument.volatility, DEFAULT_SPREAD_BPS, False, {})]
        self._starts = [0]
        self._watchers: list[Callable[[], None]] = []
        self.revision = 0
        """How many times the settings changed: a tick's book is the same book only
        under the same revision."""

    def watch(self, watcher: Callable[[], None]) -> None:
        """Call `watcher` after every change of settings, which changes the book from now on."""
        self._watchers.append(watcher)

    def tick_of(self, ns: int) -> int:
        return max(0, (ns - self.origin_ns) // QUOTE_INTERVAL_NS)

    def refreshed_at(self, tick: int) -> int:
        """The instant the quotes of `tick` appear."""
        return self.origin_ns + tick * QUOTE_INTERVAL_NS

    def regime_at(self, tick: int) -> Regime:
        return self._regimes[bisect.bisect_right(self._starts, tick) - 1]

    def mid_at(self, ns: int) -> Decimal:
        tick = self.tick_of(ns)
        regime = self.regime_at(tick)
        increment = self.instrument.minimum_price_increment
        if regime.volatility == 0 or tick == regime.from_tick:
            return regime.base_price
        moved = self._walk.at(tick) - self._walk.at(regime.from_tick)
        mid = round_to(regime.base_price * Decimal(repr(math.exp(_step_sigma(regime) * moved))), increment)
        return max(mid, increment)

    def configure(
        self,
        now_ns: int,
        *,
        price: Decimal | None = None,
        volatility: float | None = None,
        spread_bps: float | None = None,
        outage: bool | None = None,
        sizes: Mapping[str, PinnedSizes] | None = None,
    ) -> None:
        """Start a new regime at the current tick; unspecified settings carry over."""
        tick = self.tick_of(now_ns)
        current = self.regime_at(tick)
        regime = Regime(
            from_tick=tick,
            base_price=price if price is not None else self.mid_at(now_ns),
            volatility=current.volatility if volatility is None else volatility,
            spread_bps=current.spread_bps if spread_bps is None else spread_bps,
            outage=current.outage if outage is None else outage,
            sizes=current.sizes if sizes is None else dict(sizes),
        )
        while self._starts and self._starts[-1] >= tick:
            self._starts.pop()
            self._regimes.pop()
        self._starts.append(tick)
        self._regimes.append(regime)
        self.revision += 1
        for watcher in self._watchers:
            watcher()

    def book_at(self, ns: int) -> Book:
        tick = self.tick_of(ns)
        refreshed_ns = self.refreshed_at(tick)
        regime = self.regime_at(tick)
        mid = self.mid_at(ns)
        if regime.outage:
            return Book(self.instrument.symbol, refreshed_ns, mid, ())
        quotes = tuple(self._quote(provider, tick, mid, regime) for provider in PROVIDERS)
        return Book(self.instrument.symbol, refreshed_ns, mid, quotes)

    def first_crossing(self, side: Side, limit: Decimal, start: int, stop: int) -> int | None:
        """The first tick in [start, stop) whose BBO crosses `limit` for a `side` order
        (`Book.crosses`), under the settings in force now; None if no tick does.

        Each regime's stretch of ticks is searched on its own, and every tick a
        search proposes is confirmed with its real book, so the answer is exact
        whatever margins the search takes.
        """
        for index in range(bisect.bisect_right(self._starts, start) - 1, len(self._regimes)):
            regime = self._regimes[index]
            if regime.from_tick >= stop:
                break
            end = stop if index + 1 == len(self._regimes) else min(stop, self._starts[index + 1])
            for tick in self._candidate_ticks(regime, side, limit, max(start, regime.from_tick), end):
                if self.book_at(self.refreshed_at(tick)).crosses(side, limit):
                    return tick
        return None

    def _candidate_ticks(self, regime: Regime, side: Side, limit: Decimal, start: int, stop: int) -> Iterator[int]:
        """Ticks of `regime` in [start, stop), in order, among them the first whose BBO
        crosses `limit` if any does: under an outage there are no quotes; a still
        price crosses at the first tick or never; otherwise the walk proposes the
        ticks past the regime's threshold."""
        if regime.outage:
            return
        if regime.volatility == 0:
            yield start
            return
        threshold = self._walk.at(regime.from_tick) + self._walk_move_to_cross(regime, side, limit)
        yield from self._walk.ticks_reaching(threshold, below=side is Side.BUY, start=start, stop=stop)

    def _walk_move_to_cross(self, regime: Regime, side: Side, limit: Decimal) -> float:
        """How far the walk must have moved since `regime` began for the BBO to cross
        `limit`: a BUY can cross only where the move is at most this, a SELL only where
        it is at least this (minus infinity: anywhere).

        A BUY crosses when the best ask is at or under the limit. Every ask is at
        least mid * (1 + h), h the quoting provider's half spread (the tightest
        provider's is the least), and the mid is base * exp(step * move) rounded
        to the increment, so base * exp(step * move) <= limit / (1 + h) + increment.
        A SELL crosses when the best bid is at or over the limit. Bids never go
        under one increment, so a limit at or under it crosses anywhere; above
        it, every bid is at most mid * (1 - h), so
        base * exp(step * move) >= limit / (1 - h) - increment. Exp, rounding
        and the tick-to-mid arithmetic are all monotone in the move, so these
        necessary conditions are thresholds; LOG_PRICE_MARGIN widens them.
        """
        half = regime.spread_bps * min(p.spread_factor for p in PROVIDERS) / 2 / 10_000
        increment = float(self.instrument.minimum_price_increment)
        base, step = float(regime.base_price), _step_sigma(regime)
        if side is Side.BUY:
            return (math.log((float(limit) / (1 + half) + increment) / base) + LOG_PRICE_MARGIN) / step
        if limit <= self.instrument.minimum_price_increment:
            return -math.inf
        return (math.log((float(limit) / (1 - half) - increment) / base) - LOG_PRICE_MARGIN) / step

    def _quote(self, provider: Provider, tick: int, mid: Decimal, regime: Regime) -> ProviderQuote:
        increment = self.instrument.minimum_price_increment
        half = Decimal(repr(regime.spread_bps * provider.spread_factor / 2 / 10_000))
        bid = (mid * (1 - half) / increment).to_integral_value(ROUND_FLOOR) * increment
        ask = (mid * (1 + half) / increment).to_integral_value(ROUND_CEILING) * increment
        pinned = regime.sizes.get(provider.name, UNPINNED)
        return ProviderQuote(
            provider=provider.name,
            bid=max(bid, increment),
            ask=ask,
            bid_size=self._size(provider, tick, mid, "bid") if pinned.bid is None else pinned.bid,
            ask_size=self._size(provider, tick, mid, "ask") if pinned.ask is None else pinned.ask,
        )

    def _size(self, provider: Provider, tick: int, mid: Decimal, side: str) -> Decimal:
        key = f"{self._seed}:{self.instrument.symbol}:{provider.name}:{side}:{tick}".encode()
        uniform = int.from_bytes(hashlib.blake2b(key, digest_size=4).digest(), "big") / 2**32
        usd = Decimal(repr(provider.depth_usd * (0.6 + 0.8 * uniform)))
        increment = self.instrument.minimum_quantity_increment
        return (usd / mid / increment).to_integral_value(ROUND_FLOOR) * increment


def _step_sigma(regime: Regime) -> float:
    """The standard deviation of the log price over one quote interval."""
    return regime.volatility * math.sqrt(QUOTE_INTERVAL_NS / NS_PER_SECOND / SECONDS_PER_YEAR)


class Market:
    """Every instrument's market, lazily evaluated."""

    def __init__(self, seed: int, origin_ns: int) -> None:
        self.symbols = {symbol: SymbolMarket(seed, inst, origin_ns) for symbol, inst in INSTRUMENTS.items()}

    def __getitem__(self, symbol: str) -> SymbolMarket:
        return self.symbols[symbol]

    def book(self, symbol: str, ns: int) -> Book:
        return self.symbols[symbol].book_at(ns)
