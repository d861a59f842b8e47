"""A service core on the in-memory adapters, for handler tests that need no moto.

`World` has the composition root build a core whose ports are `MemoryAws`
(no mock, no boto3), provisions client acme with investors, and runs a
command the way the dispatch does: the handler, then the kernel settled (the
zero-delay work and the outbox flush). The other test_handlers_* modules
import it; the tests here check that the world itself delivers as the ports
promise.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from simulator.adapters.memory import MemoryAws
from simulator.domain.batches import BatchType
from simulator.domain.fees import Side
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.sandbox import compose_core
from simulator.service import accounts, batches
from simulator.service.accounts import AccountSeed
from simulator.service.clients import ClientSpec, provision_client
from simulator.service.commands import Allocate, OpenBatch
from simulator.service.state import ClientRecord

START = "2026-03-02T14:00:00Z"
"""A Monday, 08:00 CT: quotes, no maintenance, no cutoff."""
BATCH_ID = "3b241101-e2bb-4255-8caf-4136c566a962"
T = TypeVar("T")


class World:
    """Client acme with INV00001 to INV00003, each holding 1 BTC, in one core on memory ports."""

    def __init__(self, seed: int = 7) -> None:
        self.aws = MemoryAws()
        self.core = compose_core(seed, start_ns=parse_instant(START), ports=self.aws, secret=None)
        self.client = provision_client(self.core, ClientSpec("acme"))
        seed_row = AccountSeed(None, None, {"BTC": Decimal(1)}, None)
        accounts.create_investors(self.core, self.client, [seed_row] * 3, "INV")

    def run(self, handler: Callable[..., T], *arguments: Any) -> T:
        """One command as the dispatch runs it: the handler, then the kernel settled."""
        with self.core.kernel.lock:
            answer = handler(self.core, *arguments)
            self.core.kernel.settle()
        return answer

    def advance(self, seconds: float) -> None:
        self.core.kernel.run_to(self.core.now + round(seconds * NS_PER_SECOND))

    def events(self, client: ClientRecord | None = None) -> list[dict[str, Any]]:
        """The payloads delivered to the client's queue, oldest first."""
        queue = (client or self.client).queue_url
        return [json.loads(body)["payload"] for body in self.aws.queues.messages(queue)]

    def holding(self, account: str, coin: str = "BTC") -> Decimal:
        return self.client.ledger.holding(account, coin)


def open_command(batch_id: str, symbol: str = "BTCUSD", batch_type: BatchType = BatchType.NOTIONAL) -> OpenBatch:
    request = {"batchTransactionId": batch_id, "symbol": symbol, "type": batch_type.value}
    return OpenBatch(request, batch_id, symbol, batch_type)


def allocate_command(
    batch_id: str, transaction_id: str, account: str, side: Side, amount: str, symbol: str = "BTCUSD"
) -> Allocate:
    request = {"account": account, "amount": amount, "batchTransactionId": batch_id, "clientTransactionId": transaction_id}
    return Allocate(request, account, Decimal(amount), batch_id, transaction_id, side, symbol, None, None)


def test_provisioning_takes_a_bucket_and_a_queue_from_the_ports() -> None:
    world = World()
    assert world.client.bucket == "bakkt-sandbox-acme"
    assert world.aws.queues.messages(world.client.queue_url) == []


def test_an_event_reaches_the_memory_queue_once_the_kernel_settles() -> None:
    world = World()
    batch = world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    assert world.events() == [batch.to_api()]


def test_two_worlds_never_see_each_others_deliveries() -> None:
    first, second = World(), World()
    first.run(batches.open_batch, first.client, open_command(BATCH_ID))
    assert len(first.events()) == 1 and second.events() == []
