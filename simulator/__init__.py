"""bakkt-sandbox: an offline simulator of a digital-asset brokerage API."""
from __future__ import annotations

from simulator.adapters.memory import BucketObject, SentEmail
from simulator.errors import SandboxError, SandboxNotStarted
from simulator.sandbox import Sandbox

__all__ = ["BucketObject", "Sandbox", "SandboxError", "SandboxNotStarted", "SentEmail"]
