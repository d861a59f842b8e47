"""The order management system: submit, work, fill, cancel and expire orders.

Orders execute asynchronously through the same market as batches: each
order's first look at the book comes after the router's latency. What it
leaves working waits in one of two ways:

- A LIMIT order rests at the venue (`simulator.market.resting`): it looks
  again at every quote refresh whose best bid or offer crosses its limit,
  outside maintenance, and at no other instant. It fills there, so no later
  than any schedule of looks would have found it and usually earlier; its
  cost follows the price, not the time it rests.
- A MARKET DAY/GTC/GTD order larger than the quotes is crossed at every
  refresh, so it polls instead: every second for its first minute, every
  minute for its first hour, then every 15 minutes (RETRY_SCHEDULE).
"""
from __future__ import annotations

from dataclasses import dataclass

from simulator.domain import reasons
from simulator.domain.decimals import CENT, ZERO, multiply, round_to
from simulator.domain.fees import FeeTerms, Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.domain.orders import (
    CancelRecord,
    Execution,
    Order,
    OrderType,
    PreTradeCheck,
    TimeInForce,
    execution_terms,
    pre_trade_reject_reason,
)
from simulator.domain.settlement import FirmTrade, SettlementEntry
from simulator.domain.tickets import TicketError, check_ticket
from simulator.engine.calendar import MAINTENANCE_START, maintenance_end_if_inside
from simulator.engine.clock import NS_PER_SECOND, iso_millis, parse_instant, to_datetime
from simulator.market.fills import FillResult, ProviderFill, fill_market_order
from simulator.market.quotes import Book
from simulator.service import cash_calls, notifications
from simulator.service.accounts import open_sell_quantity
from simulator.service.commands import CancelOrder, SubmitOrder
from simulator.service.core import SandboxCore
from simulator.service.errors import bad_request, not_found
from simulator.service.ids import new_id
from simulator.service.state import ClientRecord

EVENT_TYPE = "order/1"
GTC_LIFETIME_NS = 90 * 86_400 * NS_PER_SECOND
RETRY_SCHEDULE = (
    (60 * NS_PER_SECOND, NS_PER_SECOND),
    (3_600 * NS_PER_SECOND, 60 * NS_PER_SECOND),
)
"""While a MARKET order is younger than the first figure, look again after the second."""
RETRY_AFTER_AN_HOUR_NS = 900 * NS_PER_SECOND


@dataclass(frozen=True)
class Placement:
    """What a submission did: placed a new order, or found the same one already placed."""

    order: Order
    created: bool


def find_order(client: ClientRecord, client_order_id: str) -> Order:
    order = client.orders.get(client_order_id)
    if order is None:
        raise not_found(reasons.ORDER_NOT_FOUND)
    return order


def submit_order(core: SandboxCore, client: ClientRecord, command: SubmitOrder) -> Placement:
    """Refuse a ticket that breaks a rule, answer a resent order with the order, then
    place the new one: rejected by the pre-trade checks, or working, its first look at
    the book after the router's latency."""
    try:
        gtd_expiry = check_ticket(command.ticket, core.now, parse_instant)
    except TicketError as exc:
        raise bad_request(str(exc)) from None
    existing = client.orders.get(command.client_order_id)
    if existing is not None:
        if existing.request != command.request:
            raise bad_request(reasons.DUPLICATE_ORDER)
        return Placement(existing, created=False)
    account = client.accounts.get(command.account)
    if account is None or account.id == client.firm_account:
        raise bad_request(reasons.INVALID_ACCOUNT)
    ticket = command.ticket
    order = Order(
        client_order_id=command.client_order_id,
        created_ns=core.now,
        created_at=iso_millis(core.now),
        request=command.request,
        account=command.account,
        symbol=ticket.symbol,
        side=ticket.side,
        type=ticket.type,
        time_in_force=ticket.time_in_force,
        terms=FeeTerms(ticket.bps_commission, ticket.fixed_commission, client.commission, ticket.bps_markup, ticket.fixed_markup),
        quantity=ticket.quantity,
        notional=ticket.notional,
        limit=ticket.limit,
        expires_ns=core.now + GTC_LIFETIME_NS if ticket.time_in_force is TimeInForce.GTC else gtd_expiry,
    )
    client.orders[order.client_order_id] = order
    reason = _pre_trade(core, client, order)
    if reason is not None:
        order.finish(reason)
        _publish(core, client, order)
        return Placement(order, created=True)
    client.working_orders[order.client_order_id] = order
    if order.expires_ns is not None:
        core.kernel.at(order.expires_ns, lambda: _expire(core, client, order))
    book = core.market.book(order.symbol, core.now)
    if book.best_ask is not None and book.best_bid is not None:
        quote = book.best_ask.ask if order.side is Side.BUY else book.best_bid.bid
        order.reference_price = order.limit or quote
    core.kernel.after(core.router.latency_ns(), lambda: _attempt(core, client, order, first=True))
    return Placement(order, created=True)


def _pre_trade(core: SandboxCore, client: ClientRecord, order: Order) -> str | None:
    if order.type is OrderType.STOP_LIMIT:
        return reasons.ORDER_TYPE_UNSUPPORTED
    book = core.market.book(order.symbol, core.now)
    best_bid, best_ask = book.best_bid, book.best_ask
    in_maintenance = maintenance_end_if_inside(core.now) is not None
    if best_bid is None or best_ask is None:
        return reasons.ORDER_EXPIRED if in_maintenance else None  # no quotes: the fill rejects
    coin = INSTRUMENTS[order.symbol].coin
    holding = client.ledger.holding(order.account, coin)
    reserved = open_sell_quantity(core, client, order.account, coin) if order.side is Side.SELL else ZERO
    check = PreTradeCheck(
        side=order.side,
        quantity=order.quantity,
        notional=order.notional,
        limit=order.limit,
        bid=best_bid.bid,
        ask=best_ask.ask,
        holding=holding,
        tradable=holding - reserved,
        in_maintenance=in_maintenance,
    )
    return pre_trade_reject_reason(check)


def _expire(core: SandboxCore, client: ClientRecord, order: Order) -> None:
    """A GTC or GTD order's time is up: it ends exactly then, not at its next look."""
    if order.working:
        _finish(core, client, order, reasons.ORDER_EXPIRED)


def _attempt(core: SandboxCore, client: ClientRecord, order: Order, *, first: bool = False) -> None:
    """A look at the book of now: the first one, or a MARKET order's retry."""
    if not order.working:
        return
    reopens = maintenance_end_if_inside(core.now)
    if reopens is not None:
        core.kernel.at(reopens, lambda: _attempt(core, client, order, first=first))
        return
    result = _fill(order, core.market.book(order.symbol, core.now))
    if result.reject_reason is not None and (first or order.time_in_force is TimeInForce.IOC):
        _finish(core, client, order, result.reject_reason)
        return
    if not _book_fills(core, client, order, result):
        return
    if order.limit is None:  # a MARKET order: every refresh with quotes crosses it, so it polls
        core.kernel.after(_retry_delay(core, order), lambda: _attempt(core, client, order))
    else:
        core.router.resting.rest(
            _resting_key(client, order), order.symbol, order.side, order.limit, lambda book: _look(core, client, order, book)
        )


def _look(core: SandboxCore, client: ClientRecord, order: Order, book: Book) -> None:
    """A resting LIMIT order's look at a book that crosses its limit (so it has quotes).

    An order whose time is up does not look: its expiry, due this same instant,
    ends it, as it would have ended it before any retry of the same instant.
    """
    if order.expires_ns is not None and core.now >= order.expires_ns:
        return
    _book_fills(core, client, order, _fill(order, book))


def _fill(order: Order, book: Book) -> FillResult:
    """What the order's open quantity or notional takes from `book`, within its limit."""
    return fill_market_order(
        book,
        order.side,
        increment=INSTRUMENTS[order.symbol].minimum_quantity_increment,
        quantity=order.open_quantity,
        notional=order.open_notional if order.quantity is None else None,
        sweep_remainder=False,
        limit=order.limit,
    )


def _book_fills(core: SandboxCore, client: ClientRecord, order: Order, result: FillResult) -> bool:
    """Execute a look's fills; finish the order once filled (an IOC order after its one
    look). Answer whether it still works."""
    for fill in result.fills:
        _execute(core, client, order, fill)
    if _filled(order) or order.time_in_force is TimeInForce.IOC:
        _finish(core, client, order, None)
        return False
    return True


def _resting_key(client: ClientRecord, order: Order) -> tuple[str, str]:
    """Names the order at the venue, which rests every client's orders."""
    return client.client_id, order.client_order_id


def _filled(order: Order) -> bool:
    if order.quantity is not None:
        return order.filled_quantity >= order.quantity
    return (order.open_notional or ZERO) < CENT


def _retry_delay(core: SandboxCore, order: Order) -> int:
    age = core.now - order.created_ns
    for younger_than, delay in RETRY_SCHEDULE:
        if age < younger_than:
            return delay
    return RETRY_AFTER_AN_HOUR_NS


def _execute(core: SandboxCore, client: ClientRecord, order: Order, fill: ProviderFill) -> None:
    price, notional, commission = execution_terms(order, fill.price, fill.quantity)
    moment = to_datetime(core.now)
    execution = Execution(
        id=new_id(core),
        side=order.side,
        symbol=order.symbol,
        quantity=fill.quantity,
        price=price,
        commission=commission,
        notional=notional,
        executed_at=iso_millis(core.now),
        trade_date=moment.date().isoformat(),
        executed_ns=core.now,
    )
    order.executions.append(execution)
    coin = INSTRUMENTS[order.symbol].coin
    client.ledger.move_coin(order.account, coin, fill.quantity if order.side is Side.BUY else -fill.quantity)
    entry = SettlementEntry(
        order.account, order.client_order_id, execution.id, core.now, order.side, coin, fill.quantity, price, notional, commission
    )
    client.settlement.entries.append(entry)
    cash_calls.record_execution(core, client, entry)
    notifications.book_execution(core, client, order, execution)
    market_notional = round_to(multiply(fill.quantity, fill.price), CENT)
    client.settlement.add_firm_trade(FirmTrade(coin, order.side, fill.quantity, market_notional, core.now))
    _publish(core, client, order)


def _finish(core: SandboxCore, client: ClientRecord, order: Order, reason: str | None) -> None:
    order.finish(reason)
    client.working_orders.pop(order.client_order_id, None)
    core.router.resting.withdraw(_resting_key(client, order))
    _publish(core, client, order)
    if order.executions:
        notifications.confirm_order(core, client, order)


def _publish(core: SandboxCore, client: ClientRecord, order: Order) -> None:
    core.publish(client, EVENT_TYPE, order.to_api())


def cancel_order(core: SandboxCore, client: ClientRecord, command: CancelOrder) -> CancelRecord:
    """Record the cancel on the order, which ends it if it still works; a cancel of an
    order no longer open is recorded with its reject reason."""
    order = find_order(client, command.client_order_id)
    cancel = CancelRecord(command.request_id, iso_millis(core.now), None if order.working else reasons.ORDER_NOT_OPEN)
    order.cancels.append(cancel)
    if order.working:
        _finish(core, client, order, None)
    return cancel


def install(core: SandboxCore) -> None:
    """At 16:30 CT, when daily maintenance starts, working DAY orders expire."""

    def expire_day_orders(client: ClientRecord) -> None:
        for order in list(client.working_orders.values()):
            if order.time_in_force is TimeInForce.DAY:
                _finish(core, client, order, reasons.ORDER_EXPIRED)

    def end_of_day(_: int) -> None:
        core.for_each_client("the 16:30 CT expiry of DAY orders", expire_day_orders)

    core.kernel.daily(MAINTENANCE_START, end_of_day)
