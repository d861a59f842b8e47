"""Batch trade allocations end to end, with events read from SQS (CONTRACT sections 4, 5 and 8)."""
from __future__ import annotations

import json
import re
import time
import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from sandbox_session import Client, advance, connect, control, drain_queue, expect, journal_envelopes, sqs_client, uid

from simulator import Sandbox

BATCH = uid("flow-batch")
MIXED = [("INV00001", "BUY", "200"), ("INV00002", "SELL", "100.50"), ("INV00003", "BUY", "10.000")]
NANOS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]*[1-9])?$")
INSUFFICIENT_BTC = "Insufficient BTC available to allocate"


def transaction(n: int) -> str:
    return uid(f"flow-transaction-{n}")


def run_mixed_batch(client: Client) -> list[dict[str, Any]]:
    """Open, allocate MIXED, close, let it process; the allocations as GET answers them."""
    assert client.open_batch(BATCH)["status"] == "OPEN"
    for n, (account, side, amount) in enumerate(MIXED):
        assert client.allocate(BATCH, transaction(n), account, amount, side)["status"] == "PENDING"
    closed = expect(client.close_batch(BATCH, len(MIXED)), 200)
    assert (closed["status"], closed["allocations"]) == ("CLOSED", 3)
    advance(client.sb, seconds=5)
    return [expect(client.allocation(transaction(n)), 200) for n in range(len(MIXED))]


def test_a_notional_batch_with_mixed_sides_completes(acme: Client) -> None:
    allocations = run_mixed_batch(acme)
    batch = expect(acme.batch(BATCH), 200)
    assert (batch["status"], batch["allocations"]) == ("COMPLETE", 3)
    assert "rejectReason" not in batch
    prices = {allocation["price"] for allocation in allocations}
    assert len(prices) == 1
    price = Decimal(prices.pop())
    assert Decimal("40000") < price < Decimal("46000")
    for allocation, (account, _, amount) in zip(allocations, MIXED, strict=True):
        assert allocation["status"] == "COMPLETE"
        assert allocation["request"]["account"] == account
        quantity = (Decimal(amount) / price).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_EVEN)
        assert Decimal(allocation["quantity"]) == quantity
        assert Decimal(allocation["netMoney"]) == Decimal(amount)
        for field in ("price", "quantity", "netMoney", "feeApplied"):
            assert PLAIN_DECIMAL.match(allocation[field]), (field, allocation[field])


def test_positions_move_between_investors_and_the_firm(acme: Client) -> None:
    allocations = run_mixed_batch(acme)
    bought, sold, small = (Decimal(a["quantity"]) for a in allocations)
    assert Decimal(acme.holdings("INV00001")["BTC"]) == Decimal("0.5") + bought
    assert Decimal(acme.holdings("INV00002")["BTC"]) == Decimal("0.5") - sold
    assert Decimal(acme.holdings("INV00003")["BTC"]) == Decimal("0.5") + small
    firm = acme.holdings(acme.provisioning["firmAllocationAccount"])
    net_bought = bought + small - sold
    assert abs(Decimal(firm.get("BTC", "0"))) < net_bought / 100  # only the rounding dust stays


def test_events_arrive_on_sqs_in_causal_order(acme: Client) -> None:
    allocations = run_mixed_batch(acme)
    sqs = sqs_client()
    started = time.monotonic()
    first = sqs.receive_message(QueueUrl=acme.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
    assert time.monotonic() - started < 1.0, "long polling waited although messages were there"
    assert len(first["Messages"]) == 1
    sqs.delete_message(QueueUrl=acme.queue_url, ReceiptHandle=first["Messages"][0]["ReceiptHandle"])
    envelopes = [json.loads(first["Messages"][0]["Body"]), *drain_queue(acme.queue_url)]
    assert envelopes == journal_envelopes(acme.sb, "acme")

    batch_id = expect(acme.batch(BATCH), 200)["id"]
    allocation_ids = {allocation["id"] for allocation in allocations}
    lifecycle = [(e["payload"]["id"], e["payload"]["status"]) for e in envelopes]
    assert lifecycle[:2] == [(batch_id, "OPEN"), (batch_id, "CLOSED")]
    assert {event_id for event_id, _ in lifecycle[2:5]} == allocation_ids
    assert {status for _, status in lifecycle[2:5]} == {"COMPLETE"}
    assert lifecycle[5:] == [(batch_id, "COMPLETE")]


def test_event_envelopes_follow_the_contract(acme: Client) -> None:
    allocations = run_mixed_batch(acme)
    envelopes = drain_queue(acme.queue_url)
    assert len(envelopes) == 6
    for envelope in envelopes:
        assert set(envelope) == {"event_type", "message_id", "payload", "timestamp"}
        assert envelope["event_type"] == "allocation/batch/1"
        assert uuid.UUID(envelope["message_id"])
        assert NANOS.match(envelope["timestamp"]), envelope["timestamp"]
        assert MILLIS.match(envelope["payload"]["createdAt"]), envelope["payload"]["createdAt"]
    assert len({envelope["message_id"] for envelope in envelopes}) == 6
    timestamps = [envelope["timestamp"] for envelope in envelopes]
    assert timestamps == sorted(timestamps)
    completed = {e["payload"]["id"]: e["payload"] for e in envelopes if "price" in e["payload"]}
    assert completed == {allocation["id"]: allocation for allocation in allocations}
    assert envelopes[-1]["payload"] == expect(acme.batch(BATCH), 200)


@pytest.mark.parametrize("account", ["INV99999", "nobody", "FIRM00002"])
def test_positions_of_an_unknown_account_are_400(acme: Client, account: str) -> None:
    assert expect(acme.get(f"/positions/{account}"), 400) == {"code": 400, "message": "Invalid account Id"}


def test_positions_of_a_foreign_account_are_400(sandbox: Sandbox, acme: Client) -> None:
    connect(sandbox, "other", accounts={"accounts": [{"id": "theirs", "holdings": {"BTC": "1"}}]})
    assert expect(acme.get("/positions/theirs"), 400) == {"code": 400, "message": "Invalid account Id"}


def test_a_count_mismatch_rejects_the_batch_and_its_allocations(acme: Client) -> None:
    acme.open_batch(BATCH)
    acme.allocate(BATCH, transaction(0), "INV00001", "200")
    acme.allocate(BATCH, transaction(1), "nobody", "200")  # rejected, not counted
    rejected = expect(acme.close_batch(BATCH, 2), 200)
    assert (rejected["status"], rejected["rejectReason"]) == ("REJECTED", "Allocations count mismatch: expected 2, found 1")
    allocation = expect(acme.allocation(transaction(0)), 200)
    assert (allocation["status"], allocation["rejectReason"]) == ("REJECTED", "Batch rejected: allocations count mismatch")
    assert expect(acme.close_batch(BATCH, 1), 400) == {"code": 400, "message": "Batch is not open"}


def test_a_duplicate_allocation_changes_and_publishes_nothing(acme: Client) -> None:
    acme.open_batch(BATCH)
    first = acme.allocate(BATCH, transaction(0), "INV00001", "200")
    events_before = journal_envelopes(acme.sb, "acme")
    duplicate = acme.allocate(BATCH, transaction(0), "INV00002", "75", "SELL")
    assert duplicate["status"] == "REJECTED"
    assert duplicate["rejectReason"] == "Duplicate clientTransactionId; the allocation request already exists"
    assert (duplicate["id"], duplicate["createdAt"]) == (first["id"], first["createdAt"])
    assert journal_envelopes(acme.sb, "acme") == events_before
    assert expect(acme.allocation(transaction(0)), 200) == first
    assert expect(acme.batch(BATCH), 200)["allocations"] == 1


def test_a_short_sell_is_rejected_at_processing(acme: Client) -> None:
    acme.open_batch(BATCH, batch_type="QUANTITY")
    acme.allocate(BATCH, transaction(0), "INV00001", "0.3", "SELL")
    acme.allocate(BATCH, transaction(1), "INV00001", "0.3", "SELL")
    acme.allocate(BATCH, transaction(2), "INV00002", "0.1", "BUY")
    expect(acme.close_batch(BATCH, 3), 200)
    advance(acme.sb, seconds=5)
    statuses = [expect(acme.allocation(transaction(n)), 200) for n in range(3)]
    assert [a["status"] for a in statuses] == ["COMPLETE", "REJECTED", "COMPLETE"]
    assert statuses[1]["rejectReason"] == INSUFFICIENT_BTC
    assert acme.holdings("INV00001") == {"BTC": "0.2"}
    assert acme.holdings("INV00002") == {"BTC": "0.6"}


def test_an_outage_rejects_the_batch_with_empty_quotes(acme: Client) -> None:
    expect(control(acme.sb, "POST", "/market/BTCUSD", {"outage": True}), 200)
    acme.open_batch(BATCH)
    acme.allocate(BATCH, transaction(0), "INV00001", "200")
    expect(acme.close_batch(BATCH, 1), 200)
    advance(acme.sb, seconds=5)
    batch = expect(acme.batch(BATCH), 200)
    assert (batch["status"], batch["rejectReason"]) == ("REJECTED", "unknown: empty quotes")
    allocation = expect(acme.allocation(transaction(0)), 200)
    assert (allocation["status"], allocation["rejectReason"]) == ("REJECTED", "unknown: empty quotes")
    assert acme.holdings("INV00001") == {"BTC": "0.5"}
