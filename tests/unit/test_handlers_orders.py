"""The order handlers on memory ports: submit, resend and cancel."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from test_handlers_world import World
from test_rules_tickets import TICKET

from simulator.domain import reasons
from simulator.domain.orders import OrderStatus, OrderType, TimeInForce
from simulator.service import orders
from simulator.service.commands import CancelOrder, SubmitOrder
from simulator.service.errors import ApiError

CANCEL_ID = "5d0a7c3e-2f1b-4e8d-9c6a-3b2e1d0f9a8c"


def submit(name: str, *, account: str = "INV00001", **terms: object) -> SubmitOrder:
    """The rule tests' valid ticket (a MARKET IOC BUY of 0.01 BTC), with `terms` changed."""
    request = {"clientOrderId": name, "account": account, **{field: str(value) for field, value in terms.items()}}
    return SubmitOrder(request, name, account, replace(TICKET, **terms))


def resting(name: str) -> SubmitOrder:
    """A GTC BUY limited far under the market: it works until cancelled."""
    return submit(name, type=OrderType.LIMIT, time_in_force=TimeInForce.GTC, limit=Decimal("30000"))


def test_a_ticket_that_breaks_a_rule_is_refused_and_leaves_no_order() -> None:
    world = World()
    with pytest.raises(ApiError) as refused:
        world.run(orders.submit_order, world.client, submit("o-1", limit=Decimal("40000")))
    assert (refused.value.status, refused.value.message) == (400, "price: only LIMIT orders take a price")
    assert world.client.orders == {}


def test_a_placed_order_fills_after_the_routers_latency() -> None:
    world = World()
    placement = world.run(orders.submit_order, world.client, submit("o-1"))
    assert placement.created and placement.order.working and placement.order.executions == []
    world.advance(1)
    order = placement.order
    assert (order.status, order.filled_quantity) == (OrderStatus.COMPLETE, Decimal("0.01"))
    assert world.holding("INV00001") == Decimal("1.01")
    assert world.events()[-1] == order.to_api()


def test_the_same_order_again_is_the_order_and_a_different_one_is_refused() -> None:
    world = World()
    first = world.run(orders.submit_order, world.client, submit("o-1")).order
    again = world.run(orders.submit_order, world.client, submit("o-1"))
    assert not again.created and again.order is first
    with pytest.raises(ApiError) as refused:
        world.run(orders.submit_order, world.client, submit("o-1", account="INV00002"))
    assert refused.value.message == reasons.DUPLICATE_ORDER


def test_a_cancel_ends_a_working_order_and_a_second_one_is_recorded_as_refused() -> None:
    world = World()
    order = world.run(orders.submit_order, world.client, resting("o-1")).order
    world.advance(1)
    first = world.run(orders.cancel_order, world.client, CancelOrder("o-1", CANCEL_ID))
    assert first.reject_reason is None and not order.working and order.status is OrderStatus.COMPLETE
    second = world.run(orders.cancel_order, world.client, CancelOrder("o-1", CANCEL_ID))
    assert second.reject_reason == reasons.ORDER_NOT_OPEN
    assert order.cancels == [first, second]


def test_a_cancel_of_an_unknown_order_is_not_found() -> None:
    world = World()
    with pytest.raises(ApiError) as refused:
        world.run(orders.cancel_order, world.client, CancelOrder("nothing", CANCEL_ID))
    assert (refused.value.status, refused.value.message) == (404, reasons.ORDER_NOT_FOUND)
