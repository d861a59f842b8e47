"""Each batch's lifecycle: when it was OPEN, CLOSED, then COMPLETE or REJECTED.

A batch is known by its client and batchTransactionId. Its own events give
the stages; its allocations' events give the counts and the price they got.
An allocation naming a batch that has no event of its own (an unknown
batchTransactionId) belongs to no lifecycle.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from simulator.replay.html.events import Event

BatchKey = tuple[str, str]


@dataclass(frozen=True)
class Stage:
    status: str
    time_ns: int


@dataclass
class BatchLifecycle:
    client: str
    batch_id: str
    symbol: str
    batch_type: str
    stages: list[Stage] = field(default_factory=list)
    reject_reason: str = ""
    completed: int = 0
    rejected: int = 0
    prices: list[str] = field(default_factory=list)
    """The distinct prices its allocations completed at, in order."""

    @property
    def opened_ns(self) -> int:
        return self.stages[0].time_ns

    @property
    def final_status(self) -> str:
        return self.stages[-1].status

    def elapsed_ns(self, stage: Stage) -> int:
        return stage.time_ns - self.opened_ns


def batch_key(client: str, event: Event) -> BatchKey:
    return client, str(event.request.get("batchTransactionId", ""))


def read_lifecycles(events: Iterable[Event]) -> tuple[BatchLifecycle, ...]:
    """The batches in the order they first appear; allocations of unknown batches are left out."""
    batches: dict[BatchKey, BatchLifecycle] = {}
    allocations: list[Event] = []
    for event in events:
        if event.kind == "allocation":
            allocations.append(event)
        elif event.kind == "batch" and event.time_ns is not None:
            key = batch_key(event.client, event)
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = BatchLifecycle(
                    event.client, key[1], str(event.request.get("symbol", "")), str(event.request.get("type", ""))
                )
            batch.stages.append(Stage(event.status, event.time_ns))
            batch.reject_reason = str(event.payload.get("rejectReason", batch.reject_reason))
    for allocation in allocations:
        owner = batches.get(batch_key(allocation.client, allocation))
        if owner is None:
            continue
        if allocation.status == "COMPLETE":
            owner.completed += 1
            price = str(allocation.payload.get("price", ""))
            if price not in owner.prices:
                owner.prices.append(price)
        elif allocation.status == "REJECTED":
            owner.rejected += 1
    return tuple(batches.values())
