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
from simulator.service.faults import ApiFaults
from simulator.service.identities import IdentityFactory
from simulator.service.journal import Journal, Outbox
from simulator.service.outputs import FileStore, MailJournal
from simulator.service.ports import Ports
from simulator.service.state import ClientRecord, Token


class SandboxCore:
    def __init__(self, *, seed: int, start_ns: int, ports: Ports) -> None:
        self.seed = seed
        self.start_ns = start_ns
        self.ports = ports
        self.kernel = Kernel(seed=seed, start_ns=start_ns)
        self.streams = self.kernel.streams
        self.market = Market(seed, start_ns)
        self.router = OrderRouter(self.kernel, self.market)
        self.identities = IdentityFactory(seed)
        self.api_faults = ApiFaults()
        self.clients: dict[str, ClientRecord] = {}
        self.tokens: dict[str, Token] = {}
        self.files = FileStore(ports.files, self.kernel)
        self.mail = MailJournal(ports.mail)
        self.journal = Journal(self.streams)
        self.outbox = Outbox(ports.queues, self.streams, lambda client_id: self.clients[client_id].queue_url)
        self.journal.subscribe(self.outbox.enqueue)
        self.kernel.on_settled(lambda: self.outbox.flush(self.kernel.now))

    @property
    def now(self) -> int:
        return self.kernel.now

    def for_each_client(self, job: str, action: Callable[[ClientRecord], None]) -> None:
        """Run a scheduled job for each client, isolated: one client's failure leaves the others' runs alone."""
        for client in list(self.clients.values()):
            self.kernel.isolated(f"{job} for {client.client_id}", partial(action, client))

    def publish(self, client: ClientRecord, event_type: str, payload: dict[str, Any]) -> None:
        self.journal.record(client.client_id, event_type, payload, self.kernel.now)
