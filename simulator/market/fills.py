"""The fill engine: walk the providers' quotes, best price first.

Each provider hit is one execution at that provider's price. What the quoted
sizes cannot cover fills at the worst price reached (batch orders sweep) or is
left unfilled (IOC orders). The average price is the quantity-weighted mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.domain import reasons
from simulator.domain.decimals import ZERO, divide, multiply, round_to
from simulator.domain.fees import Side
from simulator.market.quotes import Book, ProviderQuote


@dataclass(frozen=True)
class ProviderFill:
    provider: str
    quantity: Decimal
    price: Decimal


@dataclass(frozen=True)
class FillResult:
    fills: tuple[ProviderFill, ...]
    reject_reason: str | None = None

    @property
    def quantity(self) -> Decimal:
        return sum((f.quantity for f in self.fills), ZERO)

    @property
    def average_price(self) -> Decimal:
        total = self.quantity
        if total == 0:
            return ZERO
        return divide(sum((multiply(f.quantity, f.price) for f in self.fills), ZERO), total)


def _ladder(book: Book, side: Side, limit: Decimal | None) -> list[tuple[ProviderQuote, Decimal, Decimal]]:
    """(quote, price, size) from best to worst for the side that takes liquidity,
    only at prices no worse than `limit` when one is given."""
    if side is Side.BUY:
        ordered = sorted(book.quotes, key=lambda q: (q.ask, q.provider))
        ladder = [(q, q.ask, q.ask_size) for q in ordered]
        return [rung for rung in ladder if limit is None or rung[1] <= limit]
    ordered = sorted(book.quotes, key=lambda q: (-q.bid, q.provider))
    ladder = [(q, q.bid, q.bid_size) for q in ordered]
    return [rung for rung in ladder if limit is None or rung[1] >= limit]


def fill_market_order(
    book: Book,
    side: Side,
    *,
    increment: Decimal,
    quantity: Decimal | None = None,
    notional: Decimal | None = None,
    sweep_remainder: bool,
    limit: Decimal | None = None,
) -> FillResult:
    """Fill a quantity (coin) or a notional (USD) against the book.

    An empty book is the market's reject; a limit no quote reaches is no fill.
    """
    if not book.quotes:
        return FillResult((), reasons.EMPTY_QUOTES)
    ladder = _ladder(book, side, limit)
    if not ladder:
        return FillResult(())
    by_notional = notional is not None
    remaining = notional if by_notional else quantity
    assert remaining is not None
    fills: list[ProviderFill] = []
    for quote, price, size in ladder:
        if remaining <= 0:
            break
        capacity = multiply(size, price) if by_notional else size
        take = min(remaining, capacity)
        coin = round_to(divide(take, price), increment) if by_notional else take
        if coin > 0:
            fills.append(ProviderFill(quote.provider, coin, price))
        remaining -= take
    if remaining > 0 and sweep_remainder:
        worst_quote, worst_price, _ = ladder[-1]
        extra = round_to(divide(remaining, worst_price), increment) if by_notional else remaining
        if fills and fills[-1].provider == worst_quote.provider:
            extra += fills.pop().quantity
        fills.append(ProviderFill(worst_quote.provider, extra, worst_price))
    return FillResult(tuple(fills))
