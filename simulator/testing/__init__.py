"""The pytest plugin: `bakkt_*` fixtures and the Gherkin step library.

pytest loads `simulator.testing.plugin` through the package's `pytest11`
entry point; the phrases are listed in docs/STEPS.md.
"""
from __future__ import annotations

from simulator.testing.context import Answer, BakktContext, ClientSession, Resource, SandboxSettings

__all__ = ["Answer", "BakktContext", "ClientSession", "Resource", "SandboxSettings"]
