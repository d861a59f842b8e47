"""Bookkeeping: every trade and gift as a book entry, and FIFO profit and loss.

Pure domain (CONTRACT section 11). A completed allocation or order execution
is a BUY or SELL trade; a completed gift is income at its notional with a
cost basis of zero. Lots are consumed first in, first out; a buy's fee is
part of its basis and a sale's fee reduces its proceeds.

The book keeps completed allocations as they are and turns them into entries
only when read: a 100,000-allocation batch completes with one `extend`.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from simulator.domain.batches import Allocation
from simulator.domain.decimals import CENT, ZERO, divide, multiply, round_to
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS


class Receipt(StrEnum):
    """What an entry is when it is no trade: coin received for nothing."""

    GIFT = "GIFT"


EntryKind = Side | Receipt
"""A trade's side, or a receipt."""


class Source(StrEnum):
    ALLOCATION = "ALLOCATION"
    ORDER = "ORDER"
    GIFT = "GIFT"


@dataclass(frozen=True, slots=True)
class BookEntry:
    """One trade or gift of one account, as bookkeeping sees it."""

    ns: int
    id: str
    """The allocation's, execution's or gift's id: the tie-break between entries of one instant."""
    account: str
    kind: EntryKind
    coin: str
    quantity: Decimal
    price: Decimal
    notional: Decimal
    fee: Decimal
    source: Source
    reference: str
    """The client's id for it: clientTransactionId or clientOrderId."""

    @property
    def net_money(self) -> Decimal:
        """What the investor pays (BUY) or receives (SELL); a gift moves no cash."""
        if self.kind is Side.BUY:
            return self.notional + self.fee
        if self.kind is Side.SELL:
            return self.notional - self.fee
        return ZERO


def allocation_entry(allocation: Allocation) -> BookEntry:
    """A COMPLETE allocation as a trade."""
    assert allocation.completed_ns is not None and allocation.quantity is not None
    assert allocation.price is not None and allocation.notional is not None and allocation.fee is not None
    return BookEntry(
        ns=allocation.completed_ns,
        id=allocation.id,
        account=allocation.account,
        kind=allocation.side,
        coin=INSTRUMENTS[allocation.symbol].coin,
        quantity=allocation.quantity,
        price=allocation.price,
        notional=allocation.notional,
        fee=allocation.fee,
        source=Source.ALLOCATION,
        reference=allocation.client_transaction_id,
    )


BookRecord = Allocation | BookEntry
"""What the book stores: completed allocations stay as they are until read."""


def as_entry(record: BookRecord) -> BookEntry:
    return record if isinstance(record, BookEntry) else allocation_entry(record)


def record_ns(record: BookRecord) -> int:
    ns = record.ns if isinstance(record, BookEntry) else record.completed_ns
    assert ns is not None
    return ns


@dataclass
class Book:
    """A client's completed trades and gifts, appended in time order."""

    records: list[BookRecord] = field(default_factory=list)
    summarized: int = 0
    """How many records the daily summaries have already covered."""

    def add(self, entry: BookEntry) -> None:
        self.records.append(entry)

    def add_allocations(self, allocations: list[Allocation]) -> None:
        self.records.extend(allocations)

    def entries(self, account: str | None = None) -> Iterator[BookEntry]:
        """Entries by (time, id), optionally of one account."""
        selected = (r for r in self.records if account is None or r.account == account)
        return iter(sorted((as_entry(r) for r in selected), key=lambda e: (e.ns, e.id)))

    def take_unsummarized(self, before_ns: int) -> list[BookEntry]:
        """The records not yet summarized that happened before `before_ns`, marked as summarized."""
        records, start = self.records, self.summarized
        end = start
        while end < len(records) and record_ns(records[end]) < before_ns:
            end += 1
        self.summarized = end
        return sorted((as_entry(r) for r in records[start:end]), key=lambda e: (e.ns, e.id))


@dataclass(frozen=True)
class Lot:
    """Coin held since `acquired_ns` and what it cost; partly sold lots keep the rest of the basis."""

    acquired_ns: int
    id: str
    coin: str
    quantity: Decimal
    basis: Decimal
    source: Source


@dataclass(frozen=True)
class Sale:
    ns: int
    id: str
    coin: str
    quantity: Decimal
    proceeds: Decimal
    basis: Decimal
    source: Source
    reference: str
    uncovered_quantity: Decimal
    """Coin sold beyond the known lots (deposited or seeded through the control API), taken at a basis of zero."""

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.basis


@dataclass(frozen=True)
class Income:
    ns: int
    id: str
    coin: str
    quantity: Decimal
    amount: Decimal
    reference: str


@dataclass(frozen=True)
class ProfitAndLoss:
    sales: tuple[Sale, ...]
    income: tuple[Income, ...]
    open_lots: tuple[Lot, ...]

    @property
    def proceeds(self) -> Decimal:
        return sum((s.proceeds for s in self.sales), ZERO)

    @property
    def basis(self) -> Decimal:
        return sum((s.basis for s in self.sales), ZERO)

    @property
    def realized_gain(self) -> Decimal:
        return sum((s.gain for s in self.sales), ZERO)

    @property
    def gift_income(self) -> Decimal:
        return sum((i.amount for i in self.income), ZERO)


class FifoLots:
    """Open lots per coin, oldest first."""

    def __init__(self) -> None:
        self._lots: dict[str, deque[Lot]] = {}

    def acquire(self, lot: Lot) -> None:
        self._lots.setdefault(lot.coin, deque()).append(lot)

    def consume(self, coin: str, quantity: Decimal) -> tuple[Decimal, Decimal]:
        """Take `quantity` from the oldest lots: (basis consumed, quantity no lot covered).

        A partly consumed lot gives up its basis in proportion, rounded to the
        cent, and keeps the rest, so a lot's basis is never lost to rounding.
        """
        lots = self._lots.get(coin, deque())
        basis, left = ZERO, quantity
        while left > 0 and lots:
            oldest = lots[0]
            if oldest.quantity <= left:
                lots.popleft()
                basis += oldest.basis
                left -= oldest.quantity
                continue
            share = round_to(divide(multiply(oldest.basis, left), oldest.quantity), CENT)
            lots[0] = Lot(oldest.acquired_ns, oldest.id, coin, oldest.quantity - left, oldest.basis - share, oldest.source)
            basis += share
            left = ZERO
        return basis, left

    def open_lots(self) -> tuple[Lot, ...]:
        return tuple(lot for coin in sorted(self._lots) for lot in self._lots[coin])


def profit_and_loss(entries: Iterable[BookEntry], start_ns: int, end_ns: int) -> ProfitAndLoss:
    """The P&L of [start_ns, end_ns) from entries in (time, id) order.

    Entries before the period build and consume lots without being reported;
    entries from `end_ns` on are ignored, so the open lots are those at the end.
    """
    lots = FifoLots()
    sales: list[Sale] = []
    income: list[Income] = []
    for entry in entries:
        if entry.ns >= end_ns:
            break
        reported = entry.ns >= start_ns
        if entry.kind is Side.SELL:
            basis, uncovered = lots.consume(entry.coin, entry.quantity)
            if reported:
                proceeds = entry.notional - entry.fee
                sales.append(
                    Sale(entry.ns, entry.id, entry.coin, entry.quantity, proceeds, basis, entry.source, entry.reference, uncovered)
                )
            continue
        cost = entry.notional + entry.fee if entry.kind is Side.BUY else ZERO
        lots.acquire(Lot(entry.ns, entry.id, entry.coin, entry.quantity, cost, entry.source))
        if entry.kind is Receipt.GIFT and reported:
            income.append(Income(entry.ns, entry.id, entry.coin, entry.quantity, entry.notional, entry.reference))
    return ProfitAndLoss(tuple(sales), tuple(income), lots.open_lots())
