"""The rules an order ticket must meet before it is placed (domain.tickets), in their order."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from simulator.domain import reasons
from simulator.domain.fees import Side
from simulator.domain.orders import OrderType, TimeInForce
from simulator.domain.tickets import OrderTicket, TicketError, check_ticket

NOW = 1_000
D = Decimal
TICKET = OrderTicket(
    symbol="BTCUSD", side=Side.BUY, type=OrderType.MARKET, time_in_force=TimeInForce.IOC, quantity=D("0.01"),
    notional=None, limit=None, expire_time=None, bps_commission=None, fixed_commission=None, bps_markup=None,
    fixed_markup=None,
)  # fmt: skip


def instant_of(text: str) -> int:
    """Instants written as whole numbers; anything else is malformed."""
    if not text.isdigit():
        raise ValueError(f"{text!r} is not an instant")
    return int(text)


def problem(**changes: object) -> str | None:
    try:
        check_ticket(replace(TICKET, **changes), NOW, instant_of)
    except TicketError as exc:
        return str(exc)
    return None


GTD = {"time_in_force": TimeInForce.GTD}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, None),
        ({"symbol": "FOOUSD"}, reasons.INVALID_SYMBOL),
        ({"quantity": None}, "quantity, notional: give exactly one of them"),
        ({"notional": D(5)}, "quantity, notional: give exactly one of them"),
        ({"quantity": D(0)}, "quantity: must be greater than zero"),
        ({"quantity": D("0.000000001")}, "quantity: must be a multiple of 0.00000001"),
        ({"type": OrderType.LIMIT, "limit": D(0)}, "price: must be greater than zero"),
        ({"type": OrderType.LIMIT}, "price: required for LIMIT orders"),
        ({"limit": D(1)}, "price: only LIMIT orders take a price"),
        ({"type": OrderType.STOP_LIMIT, "limit": D(1)}, None),
        ({"bps_commission": 1, "fixed_commission": D(1)}, "bpsCommission, fixedCommission: give at most one of them"),
        ({"bps_markup": 1, "fixed_markup": D(1)}, "bpsMarkup, fixedMarkup: give at most one of them"),
        (GTD, "expireTime: required for GTD orders"),
        (GTD | {"expire_time": "soon"}, "expireTime: 'soon' is not an instant"),
        (GTD | {"expire_time": str(NOW)}, "expireTime: must be in the future"),
        ({"quantity": None, "notional": D("-1")}, "notional: must be greater than zero"),
        ({"fixed_commission": D("-0.01")}, "fixedCommission: must not be negative"),
        ({"fixed_markup": D("-0.01")}, "fixedMarkup: must not be negative"),
    ],
)
def test_each_rule_names_the_field_to_fix(changes: dict[str, object], message: str | None) -> None:
    assert problem(**changes) == message


def test_the_first_rule_broken_answers_even_when_expire_time_is_malformed() -> None:
    assert problem(symbol="FOOUSD", **GTD, expire_time="soon") == reasons.INVALID_SYMBOL
    assert problem(notional=D("-1"), quantity=None, **GTD, expire_time="soon") == "expireTime: 'soon' is not an instant"


def test_only_a_gtd_order_reads_expire_time_and_expires_then() -> None:
    assert check_ticket(replace(TICKET, expire_time="soon"), NOW, instant_of) is None
    assert check_ticket(replace(TICKET, **GTD, expire_time="5000"), NOW, instant_of) == 5000
