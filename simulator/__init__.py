"""bakkt-sandbox: an offline simulator of a digital-asset brokerage API.

`Sandbox` and the memory stores' records load on first use (PEP 562), so
the package's light modules, the command line's `--help` among them, start
without the sandbox's half a second of imports.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import SandboxError, SandboxNotStarted

DEFAULT_SEED = 0
DEFAULT_START = "2026-01-05T14:00:00Z"
"""The simulated start of a sandbox, a served one and a scenario that name none (a Monday, 08:00 CT)."""

if TYPE_CHECKING:
    from simulator.adapters.memory import BucketObject, SentEmail
    from simulator.sandbox import Sandbox
else:
    _LAZY = {"BucketObject": "simulator.adapters.memory", "SentEmail": "simulator.adapters.memory", "Sandbox": "simulator.sandbox"}

    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)


__all__ = ["BucketObject", "Sandbox", "SandboxError", "SandboxNotStarted", "SentEmail"]
