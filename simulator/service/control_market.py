"""Reading and steering the simulated market (GET and POST /sandbox/v1/market/{symbol})."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulator.domain.decimals import fits_increment, format_decimal
from simulator.domain.instruments import INSTRUMENTS, Instrument
from simulator.market.quotes import PROVIDER_NAMES, Book, PinnedSizes
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
    sizes: Mapping[str, PinnedSizes] | None = None
    """Replaces every pinned size: providers not named, and `{}` for all, go back to the seed's."""


def read_market(core: SandboxCore, query: ReadMarket) -> Book:
    return core.market.book(_known(query.symbol), core.now)


def configure_market(core: SandboxCore, command: ConfigureMarket) -> Book:
    """The book as the new regime starts it."""
    symbol = _known(command.symbol)
    if command.price is not None and command.price <= 0:
        raise bad_request("price: must be greater than zero")
    if command.sizes is not None:
        _check_sizes(INSTRUMENTS[symbol], command.sizes)
    core.market[symbol].configure(
        core.now,
        price=command.price,
        volatility=command.volatility,
        spread_bps=command.spread_bps,
        outage=command.outage,
        sizes=command.sizes,
    )
    return core.market.book(symbol, core.now)


def _check_sizes(instrument: Instrument, sizes: Mapping[str, PinnedSizes]) -> None:
    """A pinned size is a quantity an execution can take whole: above zero, on the increment."""
    increment = instrument.minimum_quantity_increment
    for provider, pinned in sizes.items():
        if provider not in PROVIDER_NAMES:
            raise bad_request(f"sizes.{provider}: no such provider; providers: {', '.join(PROVIDER_NAMES)}")
        for field, size in (("bidSize", pinned.bid), ("askSize", pinned.ask)):
            if size is not None and (size <= 0 or not fits_increment(size, increment)):
                raise bad_request(f"sizes.{provider}.{field}: must be greater than zero and a multiple of {format_decimal(increment)}")


def _known(symbol: str) -> str:
    if symbol not in INSTRUMENTS:
        raise ApiError(404, f"No instrument {symbol}")
    return symbol
