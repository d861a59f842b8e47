"""The tradable instruments and their increments (CONTRACT section 4)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from simulator.domain.decimals import format_decimal

USD = "USD"
"""The cash of accounts, and the currency every symbol is quoted in."""


@dataclass(frozen=True)
class Instrument:
    symbol: str
    minimum_order_quantity: Decimal
    minimum_quantity_increment: Decimal
    minimum_price_increment: Decimal
    start_mid: Decimal
    volatility: float
    """Annualized volatility of the default price walk."""

    @cached_property
    def coin(self) -> str:
        """Kept once made: every execution's settlement row holds it, a batch makes them by the hundred thousand."""
        return self.symbol.removesuffix(USD)

    def to_api(self) -> dict[str, str]:
        return {
            "symbol": self.symbol,
            "minimumOrderQuantity": format_decimal(self.minimum_order_quantity),
            "minimumQuantityIncrement": format_decimal(self.minimum_quantity_increment),
            "minimumPriceIncrement": format_decimal(self.minimum_price_increment),
        }


def _instrument(symbol: str, min_qty: str, qty_inc: str, price_inc: str, mid: str, vol: float) -> Instrument:
    return Instrument(symbol, Decimal(min_qty), Decimal(qty_inc), Decimal(price_inc), Decimal(mid), vol)


INSTRUMENTS: dict[str, Instrument] = {
    i.symbol: i
    for i in (
        _instrument("BTCUSD", "0.00001", "0.00000001", "0.01", "43000.00", 0.55),
        _instrument("ETHUSD", "0.0001", "0.00000001", "0.01", "2300.00", 0.65),
        _instrument("BCHUSD", "0.001", "0.00000001", "0.01", "250.00", 0.80),
        _instrument("LTCUSD", "0.001", "0.00000001", "0.01", "70.00", 0.75),
        _instrument("SOLUSD", "0.001", "0.00000001", "0.01", "100.00", 0.90),
        _instrument("ATOMUSD", "0.01", "0.00000001", "0.0001", "9.70", 0.85),
        _instrument("DOGEUSD", "1", "0.00000001", "0.00001", "0.09", 0.95),
        _instrument("XLMUSD", "1", "0.00000001", "0.0001", "0.12", 0.85),
    )
}
COINS: dict[str, Instrument] = {i.coin: i for i in INSTRUMENTS.values()}
