"""Batch trade allocations: the batch, its allocations, and their rules.

Pure domain: the service layer hands in the clock reading, ids and prices.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from simulator.domain import reasons
from simulator.domain.answers import with_outcome
from simulator.domain.decimals import CENT, ZERO, divide, fits_increment, format_decimal, multiply, round_to
from simulator.domain.fees import Commission, Side, commission_is_valid, fee_terms, net_money
from simulator.domain.instruments import INSTRUMENTS, Instrument


class BatchType(StrEnum):
    NOTIONAL = "NOTIONAL"
    QUANTITY = "QUANTITY"


class BatchStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    REJECTED = "REJECTED"


class AllocationStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


@dataclass(slots=True)
class Allocation:
    id: str
    created_at: str
    request: dict[str, Any]
    """The request as the client sent it, echoed back in every answer."""
    client_transaction_id: str
    """Also the Client Order ID of its settlement row and the reference of its book entry."""
    symbol: str
    """As sent: only an accepted allocation's is its batch's."""
    account: str
    side: Side
    amount: Decimal
    bps_commission: int | None
    fixed_commission: Decimal | None
    status: AllocationStatus = AllocationStatus.PENDING
    reject_reason: str | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    notional: Decimal | None = None
    fee: Decimal | None = None
    net_money: Decimal | None = None
    completed_ns: int | None = None

    def reject(self, reason: str) -> None:
        self.status = AllocationStatus.REJECTED
        self.reject_reason = reason

    def complete(self, completion: Completion, now_ns: int) -> None:
        self.price = completion.price
        self.quantity = completion.quantity
        self.notional = completion.notional
        self.fee = completion.fee
        self.net_money = completion.net_money
        self.status = AllocationStatus.COMPLETE
        self.completed_ns = now_ns

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"createdAt": self.created_at, "id": self.id}
        if self.net_money is not None:
            body["netMoney"] = format_decimal(self.net_money)
        if self.price is not None:
            body["price"] = format_decimal(self.price)
        if self.quantity is not None:
            body["quantity"] = format_decimal(self.quantity)
        if self.fee is not None:
            body["feeApplied"] = format_decimal(self.fee)
        return with_outcome(body, self.reject_reason, self.request, self.status)


@dataclass
class Batch:
    id: str
    created_at: str
    request: dict[str, Any]
    symbol: str
    type: BatchType
    status: BatchStatus = BatchStatus.OPEN
    reject_reason: str | None = None
    pending: list[Allocation] = field(default_factory=list)
    """Allocations accepted into the batch, in submission order."""
    accepted_at_close: int | None = None
    fill_due_ns: int | None = None
    """When its market order reaches the venue: until then an IN_PROGRESS batch is
    waiting for its fill, after it, stuck."""

    @property
    def allocation_count(self) -> int:
        if self.accepted_at_close is not None:
            return self.accepted_at_close
        return len(self.pending)

    def reject(self, reason: str) -> None:
        self.status = BatchStatus.REJECTED
        self.reject_reason = reason

    def to_api(self) -> dict[str, Any]:
        body = {"allocations": self.allocation_count, "createdAt": self.created_at, "id": self.id}
        return with_outcome(body, self.reject_reason, self.request, self.status)


@dataclass(frozen=True, slots=True)
class AllocationCheck:
    """What the allocate rules need to know, gathered by the service."""

    has_firm_account: bool
    batch: Batch | None
    symbol: str
    account_known: bool
    amount: Decimal
    bps_commission: int | None
    fixed_commission: Decimal | None


def allocation_reject_reason(check: AllocationCheck) -> str | None:
    """Rules 2 to 10 of the allocate table (rule 1, duplicates, is the caller's)."""
    if not check.has_firm_account:
        return reasons.NO_FIRM_ACCOUNT
    batch = check.batch
    if batch is None:
        return reasons.INVALID_BATCH
    if batch.status is not BatchStatus.OPEN:
        return reasons.BATCH_NOT_OPEN
    instrument = INSTRUMENTS.get(check.symbol)
    if instrument is None:
        return reasons.INVALID_SYMBOL
    if check.symbol != batch.symbol:
        return reasons.SYMBOL_MISMATCH
    if not check.account_known:
        return reasons.INVALID_ACCOUNT
    if check.amount <= 0:
        return reasons.AMOUNT_NOT_POSITIVE
    if not amount_fits_precision(check.amount, batch.type, instrument):
        return reasons.TOO_MANY_DECIMALS
    if not commission_is_valid(check.bps_commission, check.fixed_commission):
        return reasons.INVALID_COMMISSION
    return None


def amount_fits_precision(amount: Decimal, batch_type: BatchType, instrument: Instrument) -> bool:
    """USD in whole cents (at most two decimals), coin in whole quantity increments."""
    increment = CENT if batch_type is BatchType.NOTIONAL else instrument.minimum_quantity_increment
    return fits_increment(amount, increment)


def sell_quantity(allocation: Allocation, batch_type: BatchType, price: Decimal, instrument: Instrument) -> Decimal:
    """Coin a SELL takes from the investor when valued at `price`."""
    if batch_type is BatchType.QUANTITY:
        return allocation.amount
    return round_to(divide(allocation.amount, price), instrument.minimum_quantity_increment)


def insufficient_sells(
    allocations: Iterable[Allocation],
    batch_type: BatchType,
    price: Decimal,
    instrument: Instrument,
    holding_of: Callable[[str], Decimal],
) -> list[Allocation]:
    """The check at close: SELLs valued at `price` that the holdings cannot cover."""
    return uncovered_sells(allocations, lambda sell: sell_quantity(sell, batch_type, price, instrument), holding_of)


def uncovered_sells(
    allocations: Iterable[Allocation],
    quantity_of: Callable[[Allocation], Decimal],
    holding_of: Callable[[str], Decimal],
) -> list[Allocation]:
    """SELLs that the account's holdings cannot cover, checked cumulatively per
    account in submission order: `quantity_of(sell)` is the coin it takes and
    `holding_of(account)` the account's holding. A short SELL takes nothing, so
    the SELLs after it may still fit; a BUY of the same batch never covers one.

    The one coverage rule for both checks: at close, at the BBO bid, and at
    completion, at each SELL's own price.
    """
    taken: dict[str, Decimal] = {}
    short: list[Allocation] = []
    for allocation in allocations:
        if allocation.side is not Side.SELL:
            continue
        needed = quantity_of(allocation)
        already = taken.get(allocation.account, ZERO)
        if already + needed > holding_of(allocation.account):
            short.append(allocation)
        else:
            taken[allocation.account] = already + needed
    return short


def net_amount(allocations: Iterable[Allocation]) -> Decimal:
    """BUY positive, SELL negative: USD for NOTIONAL batches, coin for QUANTITY."""
    total = ZERO
    for allocation in allocations:
        total += allocation.amount if allocation.side is Side.BUY else -allocation.amount
    return total


@dataclass(frozen=True, slots=True)
class Completion:
    price: Decimal
    quantity: Decimal
    notional: Decimal
    fee: Decimal
    net_money: Decimal


def price_allocation(
    allocation: Allocation,
    *,
    average_fill: Decimal,
    batch_type: BatchType,
    instrument: Instrument,
    commission: Commission,
) -> Completion:
    """The completion math, in the contract's order: price, size, fee, netMoney."""
    terms = fee_terms(allocation.bps_commission, allocation.fixed_commission, commission)
    price = terms.price(average_fill, allocation.side)
    if batch_type is BatchType.NOTIONAL:
        notional = allocation.amount
        quantity = round_to(divide(notional, price), instrument.minimum_quantity_increment)
    else:
        quantity = allocation.amount
        notional = round_to(multiply(quantity, price), CENT)
    fee = terms.fee(notional)
    return Completion(price, quantity, notional, fee, net_money(notional, fee, allocation.side))
