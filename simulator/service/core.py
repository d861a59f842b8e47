"""The service core: the kernel, the market, the clients and the journal.

Handlers in the sibling modules take this object and a client; it holds no
module-level state, so two cores in one process never meet.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from simulator.engine.kernel import Kernel
from simulator.market.quotes import Market
from simulator.market.router import OrderRouter
from simulator.service.faults import Faults
from simulator.service.identities import IdentityFactory
from simulator.service.journal import Journal, Outbox
from simulator.service.outputs import FileStore, MailJournal
from simulator.service.ports import Ports
from simulator.service.state import ClientRecord, Token


class SandboxCore:
    """One seed's world, from its start to a reset: what every handler reads
    and changes. It holds the state (clients, tokens, the journal and the
    records of files and emails) beside the parts it runs on, which the
    composition root builds and hands in; it knows nothing of HTTP, of the
    clock's driver, or of which AWS its ports reach.

    `kernel` must be fresh: its present instant is the world's start.
    """

    def __init__(self, *, kernel: Kernel, market: Market, ports: Ports) -> None:
        self.seed = kernel.seed
        self.start_ns = kernel.now
        self.ports = ports
        self.kernel = kernel
        self.streams = kernel.streams
        self.market = market
        self.faults = Faults()
        self.router = OrderRouter(kernel, market, lambda: self.faults.fill_latency_ms)
        self.identities = IdentityFactory(self.seed)
        self.clients: dict[str, ClientRecord] = {}
        self.tokens: dict[str, Token] = {}
        self.files = FileStore(ports.files, kernel, self.faults)
        self.mail = MailJournal(ports.mail)
        self.journal = Journal(self.streams)
        self.outbox = Outbox(ports.queues, self.streams, lambda client_id: self.clients[client_id].queue_url, self.faults)
        self.journal.subscribe(self.outbox.enqueue)
        kernel.on_settled(lambda: self.outbox.flush(kernel.now))

    @property
    def now(self) -> int:
        return self.kernel.now

    def for_each_client(self, job: str, action: Callable[[ClientRecord], None]) -> None:
        """Run a scheduled job for each client, isolated: one client's failure leaves the others' runs alone."""
        for client in list(self.clients.values()):
            self.kernel.isolated(f"{job} for {client.client_id}", partial(action, client))

    def publish(self, client: ClientRecord, event_type: str, payload: dict[str, Any]) -> None:
        self.journal.record(client.client_id, event_type, payload, self.kernel.now)
