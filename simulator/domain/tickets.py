"""An order as submitted, and the rules it must meet before it is placed.

These rules refuse a request (400, nothing changes) and name the field to
fix; the first one broken answers, in a fixed order. An order that meets
them is placed, and only then do the pre-trade risk checks of
`domain.orders` look at it, rejecting it in an answer of its own.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from simulator.domain import reasons
from simulator.domain.decimals import fits_increment, format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.domain.orders import OrderType, TimeInForce


@dataclass(frozen=True)
class OrderTicket:
    """What an order asks for, its amounts parsed but not yet checked."""

    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    quantity: Decimal | None
    notional: Decimal | None
    limit: Decimal | None
    """The request's `price`: a LIMIT order's limit."""
    expire_time: str | None
    """The request's `expireTime` as sent; only a GTD order reads it."""
    bps_commission: int | None
    fixed_commission: Decimal | None
    bps_markup: int | None
    fixed_markup: Decimal | None


class TicketError(ValueError):
    """A ticket that breaks a rule; the message names the field, as the 400 answers it."""


def check_ticket(ticket: OrderTicket, now_ns: int, instant_of: Callable[[str], int]) -> int | None:
    """Raise TicketError for the first rule the ticket breaks; answer the instant a
    GTD order expires (None for any other order).

    `instant_of` reads `expireTime` as an instant, raising ValueError that says
    what is wrong. It is handed in, so these rules read no clock, and it is
    called in the rules' order, so a malformed `expireTime` hides no earlier
    failure.
    """
    instrument = INSTRUMENTS.get(ticket.symbol)
    if instrument is None:
        raise TicketError(reasons.INVALID_SYMBOL)
    if (ticket.quantity is None) == (ticket.notional is None):
        raise TicketError("quantity, notional: give exactly one of them")
    _positive("quantity", ticket.quantity)
    increment = instrument.minimum_quantity_increment
    if ticket.quantity is not None and not fits_increment(ticket.quantity, increment):
        raise TicketError(f"quantity: must be a multiple of {format_decimal(increment)}")
    _positive("price", ticket.limit)
    if ticket.type is OrderType.LIMIT and ticket.limit is None:
        raise TicketError("price: required for LIMIT orders")
    if ticket.type is OrderType.MARKET and ticket.limit is not None:
        raise TicketError("price: only LIMIT orders take a price")
    if ticket.bps_commission is not None and ticket.fixed_commission is not None:
        raise TicketError("bpsCommission, fixedCommission: give at most one of them")
    if ticket.bps_markup is not None and ticket.fixed_markup is not None:
        raise TicketError("bpsMarkup, fixedMarkup: give at most one of them")
    expires_ns = _gtd_expiry(ticket.expire_time, now_ns, instant_of) if ticket.time_in_force is TimeInForce.GTD else None
    _positive("notional", ticket.notional)
    _not_negative("fixedCommission", ticket.fixed_commission)
    _not_negative("fixedMarkup", ticket.fixed_markup)
    return expires_ns


def _gtd_expiry(expire_time: str | None, now_ns: int, instant_of: Callable[[str], int]) -> int:
    if expire_time is None:
        raise TicketError("expireTime: required for GTD orders")
    try:
        expires_ns = instant_of(expire_time)
    except ValueError as exc:
        raise TicketError(f"expireTime: {exc}") from None
    if expires_ns <= now_ns:
        raise TicketError("expireTime: must be in the future")
    return expires_ns


def _positive(field: str, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise TicketError(f"{field}: must be greater than zero")


def _not_negative(field: str, value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise TicketError(f"{field}: must not be negative")
