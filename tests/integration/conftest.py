"""Fixtures for the in-process HTTP tests.

Only one moto Sandbox may run at a time in a process (moto's mock is
process-wide, and a second one raises SandboxError): a module uses either
the function-scoped `sandbox` or a module-scoped sandbox of its own, never
both.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_session import START, Client, connect

from simulator import Sandbox

INVESTORS = {"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "1000.00"}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=7, start=START) as sb:
        yield sb


@pytest.fixture
def acme(sandbox: Sandbox) -> Client:
    """A Net Settlement client with INV00001..INV00003, each holding 0.5 BTC."""
    return connect(sandbox, "acme", accounts=INVESTORS)
