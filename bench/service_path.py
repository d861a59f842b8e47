"""One NOTIONAL batch of 100,000 allocations over 100,000 investors, no HTTP.

Runs the service handlers directly: open, allocate, close, complete, with
every event journaled and published to the embedded SQS. The time spent in
SQS calls is measured apart, so the domain and engine rate stands alone; it
is given per second of wall time and per second of this thread's CPU time,
which a busy shared machine disturbs less.
Targets: at least 50,000 allocations/s for the domain and engine part, peak
memory at most 400 MB.
"""
from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal

from _common import BATCH_ID, peak_rss_mb, provision, report

from simulator import Sandbox
from simulator.api.schemas import MAX_BULK_ACCOUNTS
from simulator.domain.batches import BatchType
from simulator.domain.fees import Side
from simulator.service import batches
from simulator.service.commands import Allocate, CloseBatch, OpenBatch
from simulator.service.ports import QueuePort


class TimedQueues:
    """Wraps the SQS adapter to add up the wall and CPU time spent publishing."""

    def __init__(self, inner: QueuePort) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.messages = 0

    def create_queue(self, client_id: str) -> str:
        return self.inner.create_queue(client_id)

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        started, started_cpu = time.perf_counter(), time.thread_time()
        self.inner.publish(queue_url, bodies)
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += time.thread_time() - started_cpu
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


def add_investors(sb: Sandbox, count: int) -> None:
    """`count` investors holding 1 BTC each, in requests of the most one may create
    (a larger request is refused, and every allocation would be rejected)."""
    for first in range(0, count, MAX_BULK_ACCOUNTS):
        body = {"count": min(MAX_BULK_ACCOUNTS, count - first), "holdings": {"BTC": "1"}}
        assert sb.call("POST", "/sandbox/v1/clients/acme/accounts", body).status == 201


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=100_000)
    count = parser.parse_args().allocations
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        setup_started = time.perf_counter()  # provisioning and building the commands
        token = provision(sb, investors=0)
        add_investors(sb, count)
        core = sb.core
        timed = TimedQueues(core.outbox._queues)
        core.outbox._queues = timed
        client = core.clients["acme"]
        commands = [allocate_command(n) for n in range(count)]
        setup = time.perf_counter() - setup_started

        started, started_cpu = time.perf_counter(), time.thread_time()
        with core.kernel.lock:
            opened = {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}
            batches.open_batch(core, client, OpenBatch(opened, BATCH_ID, "BTCUSD", BatchType.NOTIONAL))
            for command in commands:
                batches.allocate(core, client, command)
            commands.clear()  # over HTTP each lives for its request; the batch keeps what it needs
            batches.close_batch(core, client, CloseBatch(BATCH_ID, count))
            core.kernel.settle()
        sb.advance(1)
        total, total_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        state = sb.call("GET", f"/apex-crypto/api/v2/allocation/trade/batch/{BATCH_ID}", token=token).json()
        domain, domain_cpu = total - timed.seconds, total_cpu - timed.cpu_seconds
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
                "domain and engine CPU seconds": f"{domain_cpu:.2f}",
                "domain and engine allocations per CPU second": f"{count / domain_cpu:,.0f}",
                "end to end allocations/s": f"{count / total:,.0f}",
                "peak RSS MB": f"{peak_rss_mb():.0f}",
            },
        )
        assert state["status"] == "COMPLETE", "the batch must complete for the figures to measure its whole path"


if __name__ == "__main__":
    main()
