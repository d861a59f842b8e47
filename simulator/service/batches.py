"""Batch trade allocations: open, allocate, close, and the processing after close."""
from __future__ import annotations

from decimal import Decimal
from functools import partial

from simulator.domain import reasons
from simulator.domain.batches import (
    Allocation,
    AllocationCheck,
    AllocationStatus,
    Batch,
    BatchStatus,
    BatchType,
    Completion,
    allocation_reject_reason,
    insufficient_sells,
    net_amount,
    price_allocation,
    uncovered_sells,
)
from simulator.domain.decimals import CENT, ZERO, divide, multiply, round_to
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS, Instrument
from simulator.domain.settlement import FirmTrade, SettlementEntry
from simulator.domain.transactions import duplicate
from simulator.engine.calendar import maintenance_end_if_inside
from simulator.engine.clock import iso_millis
from simulator.engine.gc_pause import gc_paused
from simulator.market.fills import FillResult
from simulator.service import cash_calls, notifications
from simulator.service.commands import Allocate, CloseBatch, OpenBatch
from simulator.service.core import SandboxCore
from simulator.service.errors import bad_request
from simulator.service.ids import new_id
from simulator.service.state import ClientRecord

EVENT_TYPE = "allocation/batch/1"


def open_batch(core: SandboxCore, client: ClientRecord, command: OpenBatch) -> Batch:
    """A new batch, OPEN, or REJECTED at once when the client has no Firm Allocation
    Account or the symbol is not listed; published either way."""
    if command.batch_transaction_id in client.batches:
        raise bad_request(reasons.DUPLICATE_BATCH)
    batch = Batch(
        id=new_id(core),
        created_at=iso_millis(core.now),
        request=command.request,
        symbol=command.symbol,
        type=command.type,
    )
    if client.firm_account is None:
        batch.reject(reasons.NO_FIRM_ACCOUNT)
    elif batch.symbol not in INSTRUMENTS:
        batch.reject(reasons.INVALID_SYMBOL)
    client.batches[command.batch_transaction_id] = batch
    core.publish(client, EVENT_TYPE, batch.to_api())
    return batch


def allocate(core: SandboxCore, client: ClientRecord, command: Allocate) -> Allocation:
    """Rule 1 first (a duplicate is answered, never kept), then the other rules of the
    allocate table: a rejected allocation is published at once, an accepted one waits
    PENDING in its batch, unpublished, until the batch closes."""
    first = client.transaction_first_seen(command.client_transaction_id)
    if first is not None:
        return duplicate(first, partial(_allocation, command))
    batch = client.batches.get(command.batch_transaction_id)
    allocation = _allocation(command, new_id(core), iso_millis(core.now))
    client.allocations[command.client_transaction_id] = allocation
    reason = allocation_reject_reason(
        AllocationCheck(
            has_firm_account=client.firm_account is not None,
            batch=batch,
            symbol=command.symbol,
            account_known=client.is_investor(command.account),
            amount=command.amount,
            bps_commission=command.bps_commission,
            fixed_commission=command.fixed_commission,
        )
    )
    if reason is not None:
        allocation.reject(reason)
        core.publish(client, EVENT_TYPE, allocation.to_api())
    else:
        assert batch is not None
        batch.pending.append(allocation)
    return allocation


def _allocation(command: Allocate, allocation_id: str, created_at: str) -> Allocation:
    return Allocation(
        id=allocation_id,
        created_at=created_at,
        request=command.request,
        client_transaction_id=command.client_transaction_id,
        symbol=command.symbol,
        account=command.account,
        side=command.side,
        amount=command.amount,
        bps_commission=command.bps_commission,
        fixed_commission=command.fixed_commission,
    )


def find_allocation(client: ClientRecord, client_transaction_id: str) -> Allocation:
    allocation = client.allocations.get(client_transaction_id)
    if allocation is None:
        raise bad_request(reasons.INVALID_TRANSACTION)
    return allocation


def find_batch(client: ClientRecord, batch_transaction_id: str) -> Batch:
    batch = client.batches.get(batch_transaction_id)
    if batch is None:
        raise bad_request(reasons.INVALID_BATCH)
    return batch


def close_batch(core: SandboxCore, client: ClientRecord, command: CloseBatch) -> Batch:
    """CLOSED when the client's count matches its PENDING allocations, then processed
    at the same instant; REJECTED with all of them otherwise."""
    batch = find_batch(client, command.batch_transaction_id)
    if batch.status is not BatchStatus.OPEN:
        raise bad_request(reasons.BATCH_NOT_OPEN)
    found = len(batch.pending)
    if command.allocations != found:
        batch.accepted_at_close = 0
        batch.reject(reasons.count_mismatch(command.allocations, found))
        core.publish(client, EVENT_TYPE, batch.to_api())
        for allocation in batch.pending:
            allocation.reject(reasons.COUNT_MISMATCH_ALLOCATION)
            core.publish(client, EVENT_TYPE, allocation.to_api())
        return batch
    batch.status = BatchStatus.CLOSED
    batch.accepted_at_close = found
    core.publish(client, EVENT_TYPE, batch.to_api())
    core.kernel.after(0, lambda: BatchProcessing(core, client, batch).start())
    return batch


class BatchProcessing:
    """What happens to a closed batch: checks, netting, one order, completion."""

    def __init__(self, core: SandboxCore, client: ClientRecord, batch: Batch) -> None:
        self.core = core
        self.client = client
        self.batch = batch
        self.instrument: Instrument = INSTRUMENTS[batch.symbol]
        self.accepted: list[Allocation] = []

    def start(self) -> None:
        batch = self.batch
        batch.status = BatchStatus.IN_PROGRESS
        for allocation in batch.pending:
            allocation.status = AllocationStatus.IN_PROGRESS
        book = self.core.market.book(batch.symbol, self.core.now)
        best_bid = book.best_bid
        if best_bid is None:
            self._fail(reasons.EMPTY_QUOTES)
            return
        short = insufficient_sells(batch.pending, batch.type, best_bid.bid, self.instrument, self._holding)
        self._reject_short(short)
        rejected = {id(a) for a in short}
        self.accepted = [a for a in batch.pending if id(a) not in rejected]
        if not self.accepted:
            self._finish()
            return
        net = net_amount(self.accepted)
        mid = book.mid
        size = abs(divide(net, mid)) if batch.type is BatchType.NOTIONAL else abs(net)
        if net == 0 or size < self.instrument.minimum_order_quantity:
            self._complete(mid, filled_quantity=ZERO, side=Side.BUY)
            return
        side = Side.BUY if net > 0 else Side.SELL
        amount = {"notional": abs(net)} if batch.type is BatchType.NOTIONAL else {"quantity": abs(net)}
        batch.fill_due_ns = self.core.router.submit(
            batch.symbol,
            side,
            sweep_remainder=True,
            not_before_ns=maintenance_end_if_inside(self.core.now) or self.core.now,
            on_result=lambda result, book: self._on_fill(result, side),
            **amount,
        )

    def _holding(self, account: str) -> Decimal:
        return self.client.ledger.holding(account, self.instrument.coin)

    def _reject_short(self, allocations: list[Allocation]) -> None:
        reason = reasons.insufficient_coin(self.instrument.coin)
        for allocation in allocations:
            allocation.reject(reason)
            self.core.publish(self.client, EVENT_TYPE, allocation.to_api())

    def _on_fill(self, result: FillResult, side: Side) -> None:
        if result.reject_reason is not None:
            self._fail(result.reject_reason)
            return
        notional = round_to(sum((multiply(f.quantity, f.price) for f in result.fills), ZERO), CENT)
        self.client.settlement.add_firm_trade(
            FirmTrade(self.instrument.coin, side, result.quantity, notional, self.core.now)
        )
        self._complete(result.average_price, filled_quantity=result.quantity, side=side)

    def _fail(self, reason: str) -> None:
        for allocation in self.batch.pending:
            if allocation.status is not AllocationStatus.REJECTED:
                allocation.reject(reason)
                self.core.publish(self.client, EVENT_TYPE, allocation.to_api())
        self.batch.reject(reason)
        self.core.publish(self.client, EVENT_TYPE, self.batch.to_api())

    @gc_paused()  # a large batch completes in bulk: its events, entries and prices are long-lived objects
    def _complete(self, average_fill: Decimal, *, filled_quantity: Decimal, side: Side) -> None:
        """Price every accepted allocation, re-check SELLs at that price, then move coin.

        What the market order bought or sold beyond the allocated quantities,
        and the rounding dust, stays in the Firm Allocation Account.
        """
        client, coin = self.client, self.instrument.coin
        ledger = client.ledger
        firm = client.firm_account
        assert firm is not None
        ledger.move_coin(firm, coin, filled_quantity if side is Side.BUY else -filled_quantity)
        completions = [
            price_allocation(
                allocation,
                average_fill=average_fill,
                batch_type=self.batch.type,
                instrument=self.instrument,
                commission=client.commission,
            )
            for allocation in self.accepted
        ]
        quantity = {id(allocation): completion.quantity for allocation, completion in zip(self.accepted, completions, strict=True)}
        short = {id(sell) for sell in uncovered_sells(self.accepted, lambda sell: quantity[id(sell)], self._holding)}
        short_reason = reasons.insufficient_coin(coin)
        log = client.settlement.entries
        for allocation, completion in zip(self.accepted, completions, strict=True):
            if id(allocation) in short:
                allocation.reject(short_reason)
            else:
                allocation.complete(completion, self.core.now)
                delta = completion.quantity if allocation.side is Side.BUY else -completion.quantity
                ledger.move_coin(allocation.account, coin, delta)
                ledger.move_coin(firm, coin, -delta)
                entry = self._settlement_entry(allocation, completion)
                log.append(entry)
                cash_calls.record_execution(self.core, client, entry)
            self.core.publish(client, EVENT_TYPE, allocation.to_api())
        notifications.allocations_completed(self.core, client, self.accepted)
        self._finish()

    def _settlement_entry(self, allocation: Allocation, completion: Completion) -> SettlementEntry:
        return SettlementEntry(
            account=allocation.account,
            client_order_id=allocation.client_transaction_id,
            execution_id=allocation.id,
            executed_ns=self.core.now,
            side=allocation.side,
            symbol=self.instrument.coin,
            quantity=completion.quantity,
            price=completion.price,
            notional=completion.notional,
            fee=completion.fee,
            from_batch=True,
        )

    def _finish(self) -> None:
        batch = self.batch
        if any(a.status is AllocationStatus.COMPLETE for a in batch.pending):
            batch.status = BatchStatus.COMPLETE
        else:
            batch.reject(reasons.NO_ALLOCATIONS)
        self.core.publish(self.client, EVENT_TYPE, batch.to_api())
