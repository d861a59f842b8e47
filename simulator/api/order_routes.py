"""Orders under /apex-crypto/api/v2/orders: the body parsed into a command, the order rendered.

The rules an order must meet live in `domain.tickets`; the handler applies them.
"""
from __future__ import annotations

from typing import Any

from simulator.api.apex_routes import API
from simulator.api.dispatch import Access, Call, route
from simulator.api.order_schemas import CancelRequest, NewOrderRequest
from simulator.api.schemas import decimal_of
from simulator.domain.fees import Side
from simulator.domain.orders import OrderType, TimeInForce
from simulator.domain.tickets import OrderTicket
from simulator.service import orders
from simulator.service.commands import CancelOrder, SubmitOrder

ORDERS = f"{API}/orders"


def submit_command(body: NewOrderRequest) -> SubmitOrder:
    ticket = OrderTicket(
        symbol=body.symbol,
        side=Side(body.side),
        type=OrderType(body.type),
        time_in_force=TimeInForce(body.timeInForce),
        quantity=decimal_of(body.quantity),
        notional=decimal_of(body.notional),
        limit=decimal_of(body.price),
        expire_time=body.expireTime,
        bps_commission=body.bpsCommission,
        fixed_commission=decimal_of(body.fixedCommission),
        bps_markup=body.bpsMarkup,
        fixed_markup=decimal_of(body.fixedMarkup),
    )
    return SubmitOrder(body.echo(), body.clientOrderId, body.account, ticket)


@route("POST", ORDERS, Access.CLIENT, NewOrderRequest)
def submit_order(call: Call) -> tuple[int, Any]:
    """201 for a new order, rejected or not; 200 for the same order sent again."""
    placement = orders.submit_order(call.core, call.client, submit_command(call.body))
    return (201 if placement.created else 200), placement.order.to_api()


@route("GET", f"{ORDERS}/{{clientOrderId}}", Access.CLIENT)
def get_order(call: Call) -> tuple[int, Any]:
    return 200, orders.find_order(call.client, call.params["clientOrderId"]).to_api()


@route("POST", f"{ORDERS}/{{clientOrderId}}/cancel", Access.CLIENT, CancelRequest)
def cancel_order(call: Call) -> tuple[int, Any]:
    body: CancelRequest = call.body
    cancel = orders.cancel_order(call.core, call.client, CancelOrder(call.params["clientOrderId"], body.id))
    return 200, {"receivedAt": cancel.transact_time, "request": {"id": cancel.request_id}}


ORDER_ROUTES = (submit_order, get_order, cancel_order)
