"""Commission and markup: the fee rules shared by allocations and orders."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache

from simulator.domain.decimals import BPS_DIVISOR, CENT, EIGHT_PLACES, ZERO, divide, multiply, round_to

ZERO_CENTS = ZERO.quantize(CENT)
MAX_BPS = int(BPS_DIVISOR)
"""The largest commission or markup in basis points: the whole notional."""


class CommissionModel(StrEnum):
    TRADE_FEE = "TRADE_FEE"
    MARKUP = "MARKUP"


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


@dataclass(frozen=True)
class Commission:
    """A client's standing commission model."""

    model: CommissionModel = CommissionModel.TRADE_FEE
    bps: int = 0


@dataclass(frozen=True)
class FeeTerms:
    """What one trade pays: its own commission or markup fields, or, when it
    gives none of them, the client's model."""

    bps_commission: int | None
    fixed_commission: Decimal | None
    client: Commission
    bps_markup: int | None = None
    fixed_markup: Decimal | None = None
    """USD added to (BUY) or taken from (SELL) the price of each unit."""

    @cached_property
    def overridden(self) -> bool:
        fields = (self.bps_commission, self.fixed_commission, self.bps_markup, self.fixed_markup)
        return any(value is not None for value in fields)

    @cached_property
    def markup_bps(self) -> int:
        if self.bps_markup is not None:
            return self.bps_markup
        if self.overridden or self.client.model is not CommissionModel.MARKUP:
            return 0
        return self.client.bps

    def price(self, market_price: Decimal, side: Side) -> Decimal:
        return investor_price(market_price, side, self.markup_bps, self.fixed_markup or ZERO)

    def fee(self, notional: Decimal) -> Decimal:
        if self.fixed_commission is not None:
            return self.fixed_commission
        if self.bps_commission is not None:
            return bps_of(notional, self.bps_commission)
        if not self.overridden and self.client.model is CommissionModel.TRADE_FEE:
            return bps_of(notional, self.client.bps)
        return ZERO_CENTS


@lru_cache(maxsize=4096)
def fee_terms(
    bps_commission: int | None,
    fixed_commission: Decimal | None,
    client: Commission,
    bps_markup: int | None = None,
    fixed_markup: Decimal | None = None,
) -> FeeTerms:
    """Shared terms: the allocations of a batch carry only a few distinct ones."""
    return FeeTerms(bps_commission, fixed_commission, client, bps_markup, fixed_markup)


def bps_of(notional: Decimal, bps: int) -> Decimal:
    if bps == 0:
        return ZERO_CENTS
    return round_to(divide(multiply(notional, Decimal(bps)), BPS_DIVISOR), CENT)


@lru_cache(maxsize=1024)
def investor_price(average_fill: Decimal, side: Side, markup_bps: int, fixed_markup: Decimal = ZERO) -> Decimal:
    """The fill price moved by the markup against the investor, to 8 places.

    Cached: every allocation of a batch shares the fill, and most its terms.
    """
    direction = 1 if side is Side.BUY else -1
    if markup_bps:
        factor = Decimal(1) + (Decimal(markup_bps) / BPS_DIVISOR) * direction
        average_fill = multiply(average_fill, factor)
    if fixed_markup:
        average_fill += fixed_markup * direction
    return round_to(average_fill, EIGHT_PLACES)


def net_money(notional: Decimal, fee: Decimal, side: Side) -> Decimal:
    return notional + fee if side is Side.BUY else notional - fee


def commission_is_valid(bps: int | None, fixed: Decimal | None) -> bool:
    if bps is not None and fixed is not None:
        return False
    if bps is not None and not 0 <= bps <= MAX_BPS:
        return False
    return fixed is None or fixed >= 0
