"""Investor emails and the book they read from (CONTRACT sections 10 and 11).

One rendering serves every trade confirmation, whether an allocation or an
order completed. Each completed trade and gift also goes into the client's
book, which the 17:05 CT daily summaries and the year-end statements read.

A batch's confirmations are recorded as one deferred group (see
`MailJournal.defer`): the completion loop pays for a list comprehension, not
for 100,000 identities and SES calls.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from simulator.domain.batches import Allocation, AllocationStatus
from simulator.domain.bookkeeping import BookEntry, Receipt, Source, allocation_entry
from simulator.domain.decimals import ZERO, format_decimal, format_money
from simulator.domain.fees import Side
from simulator.domain.gifts import Gift
from simulator.domain.instruments import INSTRUMENTS
from simulator.domain.orders import Execution, Order
from simulator.engine.calendar import MAINTENANCE_END
from simulator.engine.clock import central_date, central_datetime
from simulator.service.accounts import account_request
from simulator.service.commands import RequestGift
from simulator.service.core import SandboxCore
from simulator.service.outputs import Letter
from simulator.service.state import ClientRecord

CONFIRMATION_SUBJECT = "Trade confirmation"
SUMMARY_SUBJECT = "Daily summary"
DAILY_SUMMARY_AT = MAINTENANCE_END
"""17:05 CT, when daily maintenance ends."""


def investor_email(core: SandboxCore, client: ClientRecord, account_id: str) -> str | None:
    """The first owner's address of an investor account; None for the client's own
    accounts (no owner) and for an account opened through the API without one."""
    if not client.is_investor(account_id):
        return None
    account = client.accounts[account_id]
    account_request(core, client, account)
    return account.email


# trade confirmations


@dataclass(frozen=True)
class TradeConfirmation:
    """What a confirmation says, whatever completed: an allocation or an order."""

    headline: str
    side: Side
    coin: str
    quantity: Decimal
    price: Decimal | None
    fee: Decimal
    net_money: Decimal

    def subject(self) -> str:
        return f"{CONFIRMATION_SUBJECT}: {self.side.value} {self.coin}"

    def body(self) -> str:
        return "\n".join(
            [
                self.headline,
                f"Side: {self.side.value}",
                f"Coin: {self.coin}",
                f"Quantity: {format_decimal(self.quantity)}",
                f"Price: {format_decimal(self.price) if self.price is not None else ''}",
                f"Fee: {format_decimal(self.fee)}",
                f"Net money: {format_decimal(self.net_money)}",
                "",
            ]
        )


def order_confirmation(order: Order) -> TradeConfirmation:
    return TradeConfirmation(
        headline=f"Your order {order.client_order_id} has been executed.",
        side=order.side,
        coin=INSTRUMENTS[order.symbol].coin,
        quantity=order.filled_quantity,
        price=order.average_price(),
        fee=sum((e.commission for e in order.executions), ZERO),
        net_money=sum((e.net_money for e in order.executions), ZERO),
    )


def allocation_confirmation(allocation: Allocation) -> TradeConfirmation:
    entry = allocation_entry(allocation)
    assert allocation.net_money is not None
    return TradeConfirmation(
        headline=f"Your allocation {entry.reference} has been executed.",
        side=allocation.side,
        coin=entry.coin,
        quantity=entry.quantity,
        price=entry.price,
        fee=entry.fee,
        net_money=allocation.net_money,
    )


def confirm_order(core: SandboxCore, client: ClientRecord, order: Order) -> None:
    """The confirmation of a completed order with fills, sent at once."""
    address = investor_email(core, client, order.account)
    if address is not None:
        confirmation = order_confirmation(order)
        core.mail.send(client.client_id, address, confirmation.subject(), confirmation.body(), core.now)


def _allocation_letter(core: SandboxCore, client: ClientRecord, allocation: Allocation) -> Letter | None:
    address = investor_email(core, client, allocation.account)
    if address is None:
        return None
    confirmation = allocation_confirmation(allocation)
    return address, confirmation.subject(), confirmation.body()


def allocations_completed(core: SandboxCore, client: ClientRecord, allocations: list[Allocation]) -> None:
    """Book a batch's COMPLETE allocations and record their confirmations, rendered when read."""
    completed = [a for a in allocations if a.status is AllocationStatus.COMPLETE]
    client.book.add_allocations(completed)
    core.mail.defer(client.client_id, completed, partial(_allocation_letter, core, client), core.now)


# the book


def book_execution(core: SandboxCore, client: ClientRecord, order: Order, execution: Execution) -> None:
    """An investor's order execution is a trade; the Gift Account's are the client's inventory."""
    if not client.is_investor(order.account):
        return
    client.book.add(
        BookEntry(
            ns=execution.executed_ns,
            id=execution.id,
            account=order.account,
            kind=execution.side,
            coin=INSTRUMENTS[execution.symbol].coin,
            quantity=execution.quantity,
            price=execution.price,
            notional=execution.notional,
            fee=execution.commission,
            source=Source.ORDER,
            reference=order.client_order_id,
        )
    )


def book_gift(core: SandboxCore, client: ClientRecord, gift: Gift, command: RequestGift) -> None:
    """A COMPLETE gift is income at its notional with a cost basis of zero."""
    assert gift.figures is not None
    figures = gift.figures
    client.book.add(
        BookEntry(
            ns=core.now,
            id=gift.id,
            account=command.account,
            kind=Receipt.GIFT,
            coin=command.currency,
            quantity=figures.quantity,
            price=figures.price,
            notional=figures.notional,
            fee=ZERO,
            source=Source.GIFT,
            reference=command.client_transaction_id,
        )
    )


# daily summaries


def summary_line(entry: BookEntry) -> str:
    """One transaction of the summary, at its CT time."""
    at = central_datetime(entry.ns).strftime("%H:%M:%S CT")
    what = f"{format_decimal(entry.quantity)} {entry.coin} at {format_decimal(entry.price)} USD"
    if entry.kind is Receipt.GIFT:
        return f"- {at} GIFT {what}, worth {format_money(entry.notional)} USD (gift {entry.reference})"
    money = f"fee {format_money(entry.fee)} USD, net money {format_money(entry.net_money)} USD"
    return f"- {at} {entry.kind.value} {what}, {money} ({entry.source.value.lower()} {entry.reference})"


def summary_body(day: str, account: str, entries: list[BookEntry]) -> str:
    lines = [f"Your transactions in account {account} on {day} (CT):", "", *map(summary_line, entries), ""]
    return "\n".join(lines)


def _summary_letter(
    core: SandboxCore, client: ClientRecord, day: str, item: tuple[str, list[BookEntry]]
) -> Letter | None:
    account, entries = item
    address = investor_email(core, client, account)
    if address is None:
        return None
    return address, f"{SUMMARY_SUBJECT} {day}", summary_body(day, account, entries)


def send_daily_summaries(core: SandboxCore, now_ns: int) -> None:
    """Each investor's transactions since the previous summary, in one email each.

    A summary covers [previous 17:05 CT, this 17:05 CT): what happens after
    17:05 (a batch filling as maintenance ends) is in the next day's, so
    nothing is summarized twice or lost.
    """
    day = central_date(now_ns).isoformat()

    def summarize(client: ClientRecord) -> None:
        by_account: dict[str, list[BookEntry]] = {}
        for entry in client.book.take_unsummarized(now_ns):
            by_account.setdefault(entry.account, []).append(entry)
        core.mail.defer(client.client_id, list(by_account.items()), partial(_summary_letter, core, client, day), now_ns)

    core.for_each_client("the daily summaries", summarize)


def install(core: SandboxCore) -> None:
    """The 17:05 CT daily summaries, and the SES copies of deferred emails after each run of the clock."""
    core.kernel.daily(DAILY_SUMMARY_AT, partial(send_daily_summaries, core))
    core.kernel.on_settled(lambda: core.mail.flush(core.now))
