"""The batch handlers on memory ports: open, allocate and close, and what each publishes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from test_handlers_world import BATCH_ID, World, allocate_command, open_command

from simulator.domain import reasons
from simulator.domain.batches import AllocationStatus, BatchStatus, BatchType
from simulator.domain.fees import Side
from simulator.service import batches
from simulator.service.commands import CloseBatch
from simulator.service.errors import ApiError


def opened(world: World, batch_type: BatchType = BatchType.NOTIONAL) -> None:
    world.run(batches.open_batch, world.client, open_command(BATCH_ID, batch_type=batch_type))


def test_an_opened_batch_is_open_and_published() -> None:
    world = World()
    batch = world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    assert batch.status is BatchStatus.OPEN
    assert world.events() == [batch.to_api()]


def test_a_batch_id_opens_one_batch_only() -> None:
    world = World()
    opened(world)
    with pytest.raises(ApiError) as refused:
        world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    assert (refused.value.status, refused.value.message) == (400, reasons.DUPLICATE_BATCH)
    assert len(world.events()) == 1


def test_an_unlisted_symbol_opens_a_rejected_batch() -> None:
    world = World()
    batch = world.run(batches.open_batch, world.client, open_command(BATCH_ID, symbol="FOOUSD"))
    assert (batch.status, batch.reject_reason) == (BatchStatus.REJECTED, reasons.INVALID_SYMBOL)


def test_an_accepted_allocation_waits_in_its_batch_unpublished() -> None:
    world = World()
    opened(world)
    allocation = world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.BUY, "25.00"))
    assert allocation.status is AllocationStatus.PENDING
    assert world.client.batches[BATCH_ID].pending == [allocation]
    assert len(world.events()) == 1


def test_a_rejected_allocation_is_published_at_once() -> None:
    world = World()
    opened(world)
    allocation = world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "FIRM00001", Side.BUY, "25.00"))
    assert (allocation.status, allocation.reject_reason) == (AllocationStatus.REJECTED, reasons.INVALID_ACCOUNT)
    assert world.events()[-1] == allocation.to_api()


def test_a_duplicate_answers_as_the_first_and_changes_nothing() -> None:
    world, twin = World(), World()
    for each in (world, twin):
        opened(each)
        each.run(batches.allocate, each.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.BUY, "25.00"))
    first = world.client.allocations["t-1"]
    again = world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00002", Side.SELL, "5.00"))
    assert (again.id, again.created_at, again.reject_reason) == (first.id, first.created_at, reasons.DUPLICATE_TRANSACTION)
    assert again.request["account"] == "INV00002"
    assert world.client.allocations["t-1"] is first and world.client.batches[BATCH_ID].pending == [first]
    next_one = allocate_command(BATCH_ID, "t-2", "INV00002", Side.BUY, "5.00")
    assert world.run(batches.allocate, world.client, next_one).id == twin.run(batches.allocate, twin.client, next_one).id


def test_a_count_mismatch_rejects_the_batch_and_every_allocation() -> None:
    world = World()
    opened(world)
    world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.BUY, "25.00"))
    batch = world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 2))
    assert (batch.status, batch.reject_reason, batch.allocation_count) == (
        BatchStatus.REJECTED, reasons.count_mismatch(2, 1), 0,
    )  # fmt: skip
    assert world.client.allocations["t-1"].reject_reason == reasons.COUNT_MISMATCH_ALLOCATION
    assert [event["status"] for event in world.events()] == ["OPEN", "REJECTED", "REJECTED"]


def test_closing_twice_is_refused() -> None:
    world = World()
    opened(world)
    world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 0))
    with pytest.raises(ApiError) as refused:
        world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 0))
    assert refused.value.message == reasons.BATCH_NOT_OPEN


def test_a_closed_batch_completes_and_moves_the_coin() -> None:
    world = World()
    opened(world, BatchType.QUANTITY)
    world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.BUY, "0.5"))
    world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-2", "INV00002", Side.SELL, "0.25"))
    assert world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 2)).status is BatchStatus.IN_PROGRESS
    world.advance(1)
    assert world.client.batches[BATCH_ID].status is BatchStatus.COMPLETE
    assert (world.holding("INV00001"), world.holding("INV00002")) == (Decimal("1.5"), Decimal("0.75"))


def test_sells_beyond_the_holding_are_rejected_at_close_in_submission_order() -> None:
    world = World()
    opened(world, BatchType.QUANTITY)
    for transaction in ("t-1", "t-2"):
        world.run(batches.allocate, world.client, allocate_command(BATCH_ID, transaction, "INV00001", Side.SELL, "0.6"))
    world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 2))
    world.advance(1)
    statuses = [world.client.allocations[t].status for t in ("t-1", "t-2")]
    assert statuses == [AllocationStatus.COMPLETE, AllocationStatus.REJECTED]
    assert world.client.allocations["t-2"].reject_reason == reasons.insufficient_coin("BTC")
    assert world.holding("INV00001") == Decimal("0.4")
