"""Order rules: the pre-trade checks in order, execution terms, leaves and average price."""
from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.domain import reasons
from simulator.domain.fees import Commission, CommissionModel, FeeTerms, Side
from simulator.domain.orders import (
    Execution,
    Order,
    OrderType,
    PreTradeCheck,
    TimeInForce,
    execution_terms,
    pre_trade_reject_reason,
)

D = Decimal
BID, ASK = D("100"), D("101")


def check(**changes: object) -> PreTradeCheck:
    base = dict(
        side=Side.BUY,
        quantity=D("1"),
        notional=None,
        limit=None,
        bid=BID,
        ask=ASK,
        holding=D("5"),
        tradable=D("5"),
        in_maintenance=False,
    )
    base.update(changes)
    return PreTradeCheck(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"in_maintenance": True, "side": Side.SELL, "quantity": D("9")}, reasons.ORDER_EXPIRED),
        ({"side": Side.SELL, "quantity": D("6")}, reasons.EXCEEDS_POSITION),
        ({"side": Side.SELL, "quantity": D("6"), "limit": D("1")}, reasons.EXCEEDS_POSITION),
        ({"quantity": D("0.0099")}, reasons.UNDER_MINIMUM_NOTIONAL),
        ({"quantity": D("0.0099"), "limit": D("500")}, reasons.UNDER_MINIMUM_NOTIONAL),
        ({"notional": D("0.99"), "quantity": None}, reasons.UNDER_MINIMUM_NOTIONAL),
        ({"notional": D("1.00"), "quantity": None}, None),
        ({"side": Side.SELL, "quantity": D("0.005"), "holding": D("0.005"), "tradable": D("0.005")}, None),
        ({"side": Side.SELL, "quantity": D("0.005")}, reasons.UNDER_MINIMUM_NOTIONAL),
        ({"limit": D("111.11")}, reasons.TOO_FAR_THROUGH_MARKET),
        ({"limit": D("111.10")}, None),
        ({"side": Side.SELL, "limit": D("89.99")}, reasons.TOO_FAR_THROUGH_MARKET),
        ({"side": Side.SELL, "limit": D("90")}, None),
    ],
)
def test_pre_trade_checks_first_failure_wins(changes: dict[str, object], reason: str | None) -> None:
    assert pre_trade_reject_reason(check(**changes)) == reason


def test_a_buy_is_valued_at_the_ask_and_a_sell_at_the_bid() -> None:
    # 0.0099 at the ask 101 is 0.9999: under $1.00; at 102 it is 1.0098: passes
    assert pre_trade_reject_reason(check(quantity=D("0.0099"), ask=D("102"))) is None
    # a SELL of 0.01 at the bid 99 is 0.99: under, though the ask would value it at 1.01
    assert pre_trade_reject_reason(check(side=Side.SELL, quantity=D("0.01"), bid=D("99"))) == reasons.UNDER_MINIMUM_NOTIONAL


def order(terms: FeeTerms, side: Side = Side.BUY, quantity: str | None = "1", notional: str | None = None) -> Order:
    return Order(
        client_order_id="o-1",
        created_ns=0,
        created_at="2026-03-02T15:00:00.000Z",
        request={},
        account="INV00001",
        symbol="BTCUSD",
        side=side,
        type=OrderType.MARKET,
        time_in_force=TimeInForce.IOC,
        terms=terms,
        quantity=None if quantity is None else D(quantity),
        notional=None if notional is None else D(notional),
        limit=None,
        expires_ns=None,
    )


def fill(target: Order, market_price: str, quantity: str) -> Execution:
    price, notional, commission = execution_terms(target, D(market_price), D(quantity))
    execution = Execution("e", target.side, "BTCUSD", D(quantity), price, commission, notional, "t", "d", 0)
    target.executions.append(execution)
    return execution


def test_a_fixed_commission_is_charged_on_the_first_execution_only() -> None:
    target = order(FeeTerms(None, D("2.50"), Commission()))
    assert fill(target, "100", "0.4").commission == D("2.50")
    assert fill(target, "101", "0.6").commission == 0


def test_bps_commission_per_execution_and_net_money_by_side() -> None:
    buy = fill(order(FeeTerms(25, None, Commission())), "43021.5", "0.1")
    assert (buy.notional, buy.commission, buy.net_money) == (D("4302.15"), D("10.76"), D("4312.91"))
    sell = fill(order(FeeTerms(25, None, Commission()), Side.SELL), "43021.5", "0.1")
    assert sell.net_money == D("4291.39")


@pytest.mark.parametrize(
    ("terms", "side", "price"),
    [
        (FeeTerms(None, None, Commission(), bps_markup=100), Side.BUY, D("101")),
        (FeeTerms(None, None, Commission(), bps_markup=100), Side.SELL, D("99")),
        (FeeTerms(None, None, Commission(), fixed_markup=D("0.75")), Side.BUY, D("100.75")),
        (FeeTerms(None, None, Commission(), fixed_markup=D("0.75")), Side.SELL, D("99.25")),
        (FeeTerms(None, None, Commission(CommissionModel.MARKUP, 50)), Side.BUY, D("100.5")),
        (FeeTerms(10, None, Commission(CommissionModel.MARKUP, 50)), Side.BUY, D("100")),
    ],
)
def test_markups_move_the_price_against_the_investor(terms: FeeTerms, side: Side, price: Decimal) -> None:
    assert fill(order(terms, side), "100", "1").price == price


def test_the_client_trade_fee_applies_only_without_any_order_field() -> None:
    client = Commission(CommissionModel.TRADE_FEE, 30)
    assert fill(order(FeeTerms(None, None, client)), "100", "1").commission == D("0.30")
    assert fill(order(FeeTerms(None, None, client, bps_markup=10)), "100", "1").commission == 0


def test_leaves_and_average_price() -> None:
    target = order(FeeTerms(None, None, Commission()), quantity="1")
    fill(target, "100", "0.25")
    fill(target, "102", "0.5")
    increment = D("0.00000001")
    assert target.leaves_quantity(increment) == D("0.25")
    assert target.average_price() == D("101.33333333")
    target.finish()
    assert target.leaves_quantity(increment) == 0


def test_a_notional_orders_leaves_are_its_open_usd_at_the_reference_price() -> None:
    target = order(FeeTerms(None, None, Commission()), quantity=None, notional="150")
    target.reference_price = D("100")
    fill(target, "100", "0.5")
    assert target.open_notional == D("100")
    assert target.leaves_quantity(D("0.00000001")) == D("1")
