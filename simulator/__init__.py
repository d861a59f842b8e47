"""bakkt-sandbox: an offline simulator of a digital-asset brokerage API."""
from __future__ import annotations

from simulator.sandbox import Sandbox, SandboxNotStarted

__all__ = ["Sandbox", "SandboxNotStarted"]
