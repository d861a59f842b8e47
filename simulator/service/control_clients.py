"""The client a control call names, or a 404 that names it."""
from __future__ import annotations

from simulator.service.core import SandboxCore
from simulator.service.errors import ApiError
from simulator.service.state import ClientRecord


def client_named(core: SandboxCore, client_id: str) -> ClientRecord:
    client = core.clients.get(client_id)
    if client is None:
        raise ApiError(404, f"No client {client_id}")
    return client
