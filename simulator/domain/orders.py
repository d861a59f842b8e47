"""Investor orders: the order, its executions, and the pre-trade checks.

Pure domain: the service hands in the clock reading, ids, quotes and
holdings. An order is IN_PROGRESS while it is worked and COMPLETE once it is
filled, cancelled, expired or rejected (the reference's status model: a
rejected order is COMPLETE with a `rejectReason`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from simulator.domain import reasons
from simulator.domain.answers import with_outcome
from simulator.domain.decimals import CENT, EIGHT_PLACES, ZERO, divide, format_decimal, multiply, round_to
from simulator.domain.fees import FeeTerms, Side, net_money
from simulator.domain.instruments import INSTRUMENTS

MINIMUM_NOTIONAL = Decimal("1.00")
PRICE_COLLAR = Decimal("0.10")


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOP_LIMIT = "STOP_LIMIT"


class TimeInForce(StrEnum):
    IOC = "IOC"
    DAY = "DAY"
    GTC = "GTC"
    GTD = "GTD"


class OrderStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"


@dataclass(frozen=True)
class Execution:
    id: str
    side: Side
    symbol: str
    quantity: Decimal
    price: Decimal
    """The investor's price: the provider's, moved by any markup."""
    commission: Decimal
    notional: Decimal
    executed_at: str
    trade_date: str
    executed_ns: int

    @property
    def net_money(self) -> Decimal:
        return net_money(self.notional, self.commission, self.side)

    def to_api(self) -> dict[str, str]:
        return {
            "commission": format_decimal(self.commission),
            "executedAt": self.executed_at,
            "id": self.id,
            "netMoney": format_decimal(self.net_money),
            "price": format_decimal(self.price),
            "quantity": format_decimal(self.quantity),
            "side": self.side.value,
            "symbol": self.symbol,
            "tradeDate": self.trade_date,
        }


@dataclass(frozen=True)
class CancelRecord:
    request_id: str
    transact_time: str
    reject_reason: str | None = None

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"request": {"id": self.request_id}, "transactTime": self.transact_time}
        if self.reject_reason is not None:
            body["rejectReason"] = self.reject_reason
        return body


@dataclass
class Order:
    client_order_id: str
    created_ns: int
    created_at: str
    request: dict[str, Any]
    account: str
    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    terms: FeeTerms
    quantity: Decimal | None
    notional: Decimal | None
    limit: Decimal | None
    expires_ns: int | None
    status: OrderStatus = OrderStatus.IN_PROGRESS
    working: bool = True
    reject_reason: str | None = None
    executions: list[Execution] = field(default_factory=list)
    cancels: list[CancelRecord] = field(default_factory=list)
    reference_price: Decimal | None = None
    """The price that converts a notional order's open USD into `leavesQuantity`."""

    @property
    def filled_quantity(self) -> Decimal:
        return sum((e.quantity for e in self.executions), ZERO)

    @property
    def filled_notional(self) -> Decimal:
        return sum((e.notional for e in self.executions), ZERO)

    @property
    def open_quantity(self) -> Decimal | None:
        """Coin still to fill on a quantity order (None for a notional order)."""
        return None if self.quantity is None else self.quantity - self.filled_quantity

    @property
    def open_notional(self) -> Decimal | None:
        return None if self.notional is None else max(ZERO, self.notional - self.filled_notional)

    def leaves_quantity(self, increment: Decimal) -> Decimal:
        if not self.working:
            return ZERO
        if self.quantity is not None:
            return self.quantity - self.filled_quantity
        open_notional = self.open_notional or ZERO
        if not self.reference_price:
            return ZERO
        return round_to(divide(open_notional, self.reference_price), increment)

    def average_price(self) -> Decimal | None:
        filled = self.filled_quantity
        if filled == 0:
            return None
        total = sum((multiply(e.quantity, e.price) for e in self.executions), ZERO)
        return round_to(divide(total, filled), EIGHT_PLACES)

    def finish(self, reject_reason: str | None = None) -> None:
        self.status = OrderStatus.COMPLETE
        self.working = False
        if reject_reason is not None:
            self.reject_reason = reject_reason

    def to_api(self) -> dict[str, Any]:
        """The Order, answered and published alike; `leavesQuantity` in the symbol's quantity increment."""
        body: dict[str, Any] = {}
        average = self.average_price()
        if average is not None:
            body["averagePrice"] = format_decimal(average)
        if self.cancels:
            body["cancels"] = [c.to_api() for c in self.cancels]
        body["createdAt"] = self.created_at
        body["cumulativeQuantity"] = format_decimal(self.filled_quantity)
        body["executions"] = [e.to_api() for e in self.executions]
        body["id"] = self.client_order_id
        body["leavesQuantity"] = format_decimal(self.leaves_quantity(INSTRUMENTS[self.symbol].minimum_quantity_increment))
        with_outcome(body, self.reject_reason, self.request, self.status)
        body["working"] = self.working
        return body


@dataclass(frozen=True)
class PreTradeCheck:
    """What the pre-trade rules need, gathered by the service at submission."""

    side: Side
    quantity: Decimal | None
    notional: Decimal | None
    limit: Decimal | None
    bid: Decimal
    ask: Decimal
    holding: Decimal
    tradable: Decimal
    in_maintenance: bool


def pre_trade_reject_reason(check: PreTradeCheck) -> str | None:
    """The vendor's OMS risk controls, first failure wins."""
    if check.in_maintenance:
        return reasons.ORDER_EXPIRED
    valuation_price = check.ask if check.side is Side.BUY else check.bid
    if check.quantity is not None:
        quantity, order_notional = check.quantity, multiply(check.quantity, valuation_price)
    else:
        assert check.notional is not None
        order_notional, quantity = check.notional, divide(check.notional, valuation_price)
    if check.side is Side.SELL and quantity > check.tradable:
        return reasons.EXCEEDS_POSITION
    sells_out = check.side is Side.SELL and quantity == check.holding
    if order_notional < MINIMUM_NOTIONAL and not sells_out:
        return reasons.UNDER_MINIMUM_NOTIONAL
    if check.limit is not None:
        if check.side is Side.BUY and check.limit > multiply(check.ask, 1 + PRICE_COLLAR):
            return reasons.TOO_FAR_THROUGH_MARKET
        if check.side is Side.SELL and check.limit < multiply(check.bid, 1 - PRICE_COLLAR):
            return reasons.TOO_FAR_THROUGH_MARKET
    return None


def execution_terms(
    order: Order, market_price: Decimal, quantity: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(investor price, notional, commission) of one fill.

    A fixed commission is the order's, charged on its first execution only.
    """
    price = order.terms.price(market_price, order.side)
    notional = round_to(multiply(quantity, price), CENT)
    commission = order.terms.fee(notional)
    if order.terms.fixed_commission is not None and order.executions:
        commission = ZERO.quantize(CENT)
    return price, notional, commission
