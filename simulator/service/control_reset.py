"""Starting a sandbox over (POST /sandbox/v1/reset).

A reset replaces the whole core, so it is asked of the host that owns the
core (the runtime), not of the core itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from simulator.service.core import SandboxCore


class Restartable(Protocol):
    """Owns the current core; reset swaps it for an empty one."""

    @property
    def core(self) -> SandboxCore: ...

    def reset(self, seed: int | None) -> None: ...


@dataclass(frozen=True)
class Reset:
    """Back to an empty sandbox at the original start; with `seed`, a new root seed."""

    seed: int | None = None


@dataclass(frozen=True)
class Restarted:
    seed: int
    now_ns: int


def reset(host: Restartable, command: Reset) -> Restarted:
    host.reset(command.seed)
    core = host.core
    return Restarted(core.seed, core.now)
