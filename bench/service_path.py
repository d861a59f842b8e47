"""One NOTIONAL batch of 100,000 allocations over 100,000 investors, no HTTP.

Runs the service handlers directly: open, allocate, close, complete, with
every event journaled and published to the embedded SQS. The time spent in
SQS calls is measured apart, so the domain and engine rate stands alone.
Targets: at least 20,000 allocations/s for the domain and engine part, peak
memory at most 600 MB.
"""
from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal

from _common import BATCH_ID, peak_rss_mb, provision, report

from simulator import Sandbox
from simulator.domain.batches import BatchType
from simulator.domain.fees import Side
from simulator.service import batches
from simulator.service.commands import Allocate, CloseBatch, OpenBatch
from simulator.service.ports import QueuePort


class TimedQueues:
    """Wraps the SQS adapter to add up the wall time spent publishing."""

    def __init__(self, inner: QueuePort) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.messages = 0

    def create_queue(self, client_id: str) -> str:
        return self.inner.create_queue(client_id)

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        started = time.perf_counter()
        self.inner.publish(queue_url, bodies)
        self.seconds += time.perf_counter() - started
        self.messages += len(bodies)


def allocate_command(n: int) -> Allocate:
    """What the HTTP layer would hand the service for the n-th allocation:
    every third one a SELL, so the batch nets."""
    side = Side.BUY if n % 3 else Side.SELL
    transaction_id = str(uuid.UUID(int=n + 1, version=4))
    request = {
        "account": f"INV{n + 1:05d}",
        "amount": "25.00",
        "batchTransactionId": BATCH_ID,
        "clientTransactionId": transaction_id,
        "side": side.value,
        "symbol": "BTCUSD",
    }
    return Allocate(request, request["account"], Decimal("25.00"), BATCH_ID, transaction_id, side, "BTCUSD", None, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=100_000)
    count = parser.parse_args().allocations
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        setup_started = time.perf_counter()  # provisioning and building the commands
        token = provision(sb, investors=count, holdings={"BTC": "1"})
        core = sb.core
        timed = TimedQueues(core.outbox._queues)
        core.outbox._queues = timed
        client = core.clients["acme"]
        commands = [allocate_command(n) for n in range(count)]
        setup = time.perf_counter() - setup_started

        started = time.perf_counter()
        with core.kernel.lock:
            opened = {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}
            batches.open_batch(core, client, OpenBatch(opened, BATCH_ID, "BTCUSD", BatchType.NOTIONAL))
            for command in commands:
                batches.allocate(core, client, command)
            batches.close_batch(core, client, CloseBatch(BATCH_ID, count))
            core.kernel.settle()
        sb.advance(1)
        total = time.perf_counter() - started
        state = sb.call("GET", f"/apex-crypto/api/v2/allocation/trade/batch/{BATCH_ID}", token=token).json()
        domain = total - timed.seconds
        report(
            f"service path, {count:,} allocations",
            {
                "batch status": state["status"],
                "events journaled": len(core.journal.entries),
                "events published": timed.messages,
                "setup seconds (client, investors)": f"{setup:.2f}",
                "total seconds": f"{total:.2f}",
                "SQS publishing seconds": f"{timed.seconds:.2f}",
                "domain and engine seconds": f"{domain:.2f}",
                "domain and engine allocations/s": f"{count / domain:,.0f}",
                "end to end allocations/s": f"{count / total:,.0f}",
                "peak RSS MB": f"{peak_rss_mb():.0f}",
            },
        )


if __name__ == "__main__":
    main()
