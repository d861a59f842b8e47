"""Liquidity providers' quotes and the BBO, computed from the seed and the instant.

Quotes refresh every QUOTE_INTERVAL of simulated time. Nothing ticks through
quiet hours: a quote is worked out when someone asks for it.
"""
from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from simulator.domain.decimals import format_decimal, round_to
from simulator.domain.instruments import INSTRUMENTS, Instrument
from simulator.engine.clock import NS_PER_SECOND, iso_millis
from simulator.market.walk import BrownianWalk

QUOTE_INTERVAL_NS = NS_PER_SECOND
SECONDS_PER_YEAR = 365.25 * 86_400
DEFAULT_SPREAD_BPS = 10


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


@dataclass(frozen=True)
class Regime:
    """Market settings in force from `from_tick` on (set by the control API)."""

    from_tick: int
    base_price: Decimal
    volatility: float
    spread_bps: float
    outage: bool


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
        self._regimes = [Regime(0, instrument.start_mid, instrument.volatility, DEFAULT_SPREAD_BPS, False)]
        self._starts = [0]

    def tick_of(self, ns: int) -> int:
        return max(0, (ns - self.origin_ns) // QUOTE_INTERVAL_NS)

    def regime_at(self, tick: int) -> Regime:
        return self._regimes[bisect.bisect_right(self._starts, tick) - 1]

    def mid_at(self, ns: int) -> Decimal:
        tick = self.tick_of(ns)
        regime = self.regime_at(tick)
        increment = self.instrument.minimum_price_increment
        if regime.volatility == 0 or tick == regime.from_tick:
            return regime.base_price
        step_sigma = regime.volatility * math.sqrt(QUOTE_INTERVAL_NS / NS_PER_SECOND / SECONDS_PER_YEAR)
        moved = self._walk.at(tick) - self._walk.at(regime.from_tick)
        mid = round_to(regime.base_price * Decimal(repr(math.exp(step_sigma * moved))), increment)
        return max(mid, increment)

    def configure(
        self,
        now_ns: int,
        *,
        price: Decimal | None = None,
        volatility: float | None = None,
        spread_bps: float | None = None,
        outage: bool | None = None,
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
        )
        while self._starts and self._starts[-1] >= tick:
            self._starts.pop()
            self._regimes.pop()
        self._starts.append(tick)
        self._regimes.append(regime)

    def book_at(self, ns: int) -> Book:
        tick = self.tick_of(ns)
        refreshed_ns = self.origin_ns + tick * QUOTE_INTERVAL_NS
        regime = self.regime_at(tick)
        mid = self.mid_at(ns)
        if regime.outage:
            return Book(self.instrument.symbol, refreshed_ns, mid, ())
        quotes = tuple(self._quote(provider, tick, mid, regime) for provider in PROVIDERS)
        return Book(self.instrument.symbol, refreshed_ns, mid, quotes)

    def _quote(self, provider: Provider, tick: int, mid: Decimal, regime: Regime) -> ProviderQuote:
        increment = self.instrument.minimum_price_increment
        half = Decimal(repr(regime.spread_bps * provider.spread_factor / 2 / 10_000))
        bid = (mid * (1 - half) / increment).to_integral_value(ROUND_FLOOR) * increment
        ask = (mid * (1 + half) / increment).to_integral_value(ROUND_CEILING) * increment
        return ProviderQuote(
            provider=provider.name,
            bid=max(bid, increment),
            ask=ask,
            bid_size=self._size(provider, tick, mid, "bid"),
            ask_size=self._size(provider, tick, mid, "ask"),
        )

    def _size(self, provider: Provider, tick: int, mid: Decimal, side: str) -> Decimal:
        key = f"{self._seed}:{self.instrument.symbol}:{provider.name}:{side}:{tick}".encode()
        uniform = int.from_bytes(hashlib.blake2b(key, digest_size=4).digest(), "big") / 2**32
        usd = Decimal(repr(provider.depth_usd * (0.6 + 0.8 * uniform)))
        increment = self.instrument.minimum_quantity_increment
        return (usd / mid / increment).to_integral_value(ROUND_FLOOR) * increment


class Market:
    """Every instrument's market, lazily evaluated."""

    def __init__(self, seed: int, origin_ns: int) -> None:
        self.symbols = {symbol: SymbolMarket(seed, inst, origin_ns) for symbol, inst in INSTRUMENTS.items()}

    def __getitem__(self, symbol: str) -> SymbolMarket:
        return self.symbols[symbol]

    def book(self, symbol: str, ns: int) -> Book:
        return self.symbols[symbol].book_at(ns)
