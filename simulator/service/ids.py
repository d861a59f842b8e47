"""Ids of what the sandbox creates, all from one seeded stream.

Batches, allocations, gifts, executions and cash adjustments draw their ids
in the order they are created, so a replay hands out the same ones.
"""
from __future__ import annotations

from simulator.service.core import SandboxCore

ID_STREAM = "ids"


def new_id(core: SandboxCore) -> str:
    return core.streams.uuid(ID_STREAM)
