"""The pytest plugin: `bakkt_*` fixtures and the Gherkin step library.

pytest loads `simulator.testing.plugin` through the package's `pytest11`
entry point; the phrases are listed in docs/STEPS.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.testing.context import Answer, BakktContext, ClientSession, Resource, SandboxSettings
else:

    def __getattr__(name: str) -> object:
        """The context loads on first use (PEP 562), as the plugin's own modules load it."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from simulator.testing import context

        return getattr(context, name)


__all__ = ["Answer", "BakktContext", "ClientSession", "Resource", "SandboxSettings"]
