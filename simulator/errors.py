"""What the in-process `Sandbox` raises when it cannot do what it was asked.

    Exception
    └── SandboxError          a sandbox cannot start, or cannot answer, as asked:
        │                     its base URL is another active sandbox's, moto's
        │                     process-wide mock is another sandbox's, or a memory
        │                     accessor names no provisioned client
        └── SandboxNotStarted the sandbox is used outside its `with` block
                              (also a RuntimeError, as it always was)

Each message names what stands in the way (the active sandbox's base URL
and seed, the client id) and what to change.
"""
from __future__ import annotations


class SandboxError(Exception):
    """A sandbox cannot start, or cannot answer, as asked; the message says what to change."""


class SandboxNotStarted(SandboxError, RuntimeError):
    """The sandbox is used outside its `with` block."""
