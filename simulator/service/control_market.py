"""Reading and steering the simulated market (GET and POST /sandbox/v1/market/{symbol})."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.domain.instruments import INSTRUMENTS
from simulator.market.quotes import Book
from simulator.service.core import SandboxCore
from simulator.service.errors import ApiError, bad_request


@dataclass(frozen=True)
class ReadMarket:
    """The symbol's book at the current instant."""

    symbol: str


@dataclass(frozen=True)
class ConfigureMarket:
    """A new regime for the symbol from the current instant on; a setting left None carries over."""

    symbol: str
    price: Decimal | None = None
    volatility: float | None = None
    spread_bps: float | None = None
    outage: bool | None = None


def read_market(core: SandboxCore, query: ReadMarket) -> Book:
    return core.market.book(_known(query.symbol), core.now)


def configure_market(core: SandboxCore, command: ConfigureMarket) -> Book:
    """The book as the new regime starts it."""
    symbol = _known(command.symbol)
    if command.price is not None and command.price <= 0:
        raise bad_request("price: must be greater than zero")
    core.market[symbol].configure(
        core.now, price=command.price, volatility=command.volatility, spread_bps=command.spread_bps, outage=command.outage
    )
    return core.market.book(symbol, core.now)


def _known(symbol: str) -> str:
    if symbol not in INSTRUMENTS:
        raise ApiError(404, f"No instrument {symbol}")
    return symbol
