"""Setting a sandbox's faults: the core's one `Faults`, which the outbox, the
file store, the order router and the dispatch read."""
from __future__ import annotations

from dataclasses import dataclass

from simulator.service.core import SandboxCore
from simulator.service.faults import ApiFaults, Faults, QueueFaults


@dataclass(frozen=True)
class SetFaults:
    """Each section given replaces that section of the settings; one left out stays as it was."""

    queue: QueueFaults | None = None
    fail_puts: int | None = None
    fill_latency_ms: int | None = None
    api: ApiFaults | None = None


def set_faults(core: SandboxCore, command: SetFaults) -> Faults:
    """Change the sections `command` gives; the settings as they then stand."""
    faults = core.faults
    if command.queue is not None:
        faults.queue = command.queue
    if command.fail_puts is not None:
        faults.fail_puts = command.fail_puts
    if command.fill_latency_ms is not None:
        faults.fill_latency_ms = command.fill_latency_ms
    if command.api is not None:
        faults.api = command.api
    return faults
