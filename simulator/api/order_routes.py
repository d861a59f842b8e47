"""Orders under /apex-crypto/api/v2/orders."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.api.dispatch import Access, Call, route
from simulator.api.order_schemas import CancelRequest, NewOrderRequest
from simulator.domain import reasons
from simulator.domain.decimals import fits_increment, format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.domain.orders import OrderType, TimeInForce
from simulator.engine.clock import TimeFormatError, parse_instant
from simulator.service import orders
from simulator.service.errors import bad_request

ORDERS = "/apex-crypto/api/v2/orders"


def _positive(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    value = Decimal(text)
    if value <= 0:
        raise bad_request(f"{name}: must be greater than zero")
    return value


def _non_negative(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    value = Decimal(text)
    if value < 0:
        raise bad_request(f"{name}: must not be negative")
    return value


def order_command(body: NewOrderRequest, now_ns: int) -> orders.OrderCommand:
    """The checks one field alone cannot make; each failure names the field."""
    instrument = INSTRUMENTS.get(body.symbol)
    if instrument is None:
        raise bad_request(reasons.INVALID_SYMBOL)
    if (body.quantity is None) == (body.notional is None):
        raise bad_request("quantity, notional: give exactly one of them")
    quantity = _positive("quantity", body.quantity)
    if quantity is not None and not fits_increment(quantity, instrument.minimum_quantity_increment):
        raise bad_request(f"quantity: must be a multiple of {format_decimal(instrument.minimum_quantity_increment)}")
    limit = _positive("price", body.price)
    if body.type == "LIMIT" and limit is None:
        raise bad_request("price: required for LIMIT orders")
    if body.type == "MARKET" and limit is not None:
        raise bad_request("price: only LIMIT orders take a price")
    if body.bpsCommission is not None and body.fixedCommission is not None:
        raise bad_request("bpsCommission, fixedCommission: give at most one of them")
    if body.bpsMarkup is not None and body.fixedMarkup is not None:
        raise bad_request("bpsMarkup, fixedMarkup: give at most one of them")
    expires_ns = None
    if body.timeInForce == "GTD":
        if body.expireTime is None:
            raise bad_request("expireTime: required for GTD orders")
        try:
            expires_ns = parse_instant(body.expireTime)
        except TimeFormatError as exc:
            raise bad_request(f"expireTime: {exc}") from None
        if expires_ns <= now_ns:
            raise bad_request("expireTime: must be in the future")
    return orders.OrderCommand(
        request=body.echo(),
        client_order_id=body.clientOrderId,
        account=body.account,
        symbol=body.symbol,
        side=Side(body.side),
        type=OrderType(body.type),
        time_in_force=TimeInForce(body.timeInForce),
        quantity=quantity,
        notional=_positive("notional", body.notional),
        limit=limit,
        expires_ns=expires_ns,
        bps_commission=body.bpsCommission,
        fixed_commission=_non_negative("fixedCommission", body.fixedCommission),
        bps_markup=body.bpsMarkup,
        fixed_markup=_non_negative("fixedMarkup", body.fixedMarkup),
    )


@route("POST", ORDERS, Access.CLIENT, NewOrderRequest)
def submit_order(call: Call) -> tuple[int, Any]:
    return orders.submit_order(call.core, call.client, order_command(call.body, call.core.now))


@route("GET", f"{ORDERS}/{{clientOrderId}}", Access.CLIENT)
def get_order(call: Call) -> tuple[int, Any]:
    return 200, orders.order_view(orders.find_order(call.client, call.params["clientOrderId"]))


@route("POST", f"{ORDERS}/{{clientOrderId}}/cancel", Access.CLIENT, CancelRequest)
def cancel_order(call: Call) -> tuple[int, Any]:
    body: CancelRequest = call.body
    return 200, orders.cancel_order(call.core, call.client, call.params["clientOrderId"], body.id)


ORDER_ROUTES = (submit_order, get_order, cancel_order)
