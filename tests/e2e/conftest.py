"""Fixtures of the end-to-end tests: every `target` test runs in-process and against a real server.

The server (`bakkt-sim serve --clock manual`) is started once per session
and reset between tests with `POST /sandbox/v1/reset`; its teardown stops it
with SIGTERM and checks that it exits 0. Only one in-process Sandbox runs at
a time (moto's mock is process-wide).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_target import SEED, START, ServerProcess, Target, inprocess_target, start_server

MODES = ("inprocess", "server")


@pytest.fixture(scope="session")
def live_server() -> Iterator[ServerProcess]:
    server = start_server("--clock", "manual", "--seed", str(SEED), "--start", START)
    yield server
    code = server.stop()
    assert code == 0, f"SIGTERM should stop the server with exit 0, got {code}:\n{server.stderr_text()}"


@pytest.fixture
def server_target(live_server: ServerProcess) -> Target:
    return live_server.fresh_target()


@pytest.fixture(params=MODES)
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "inprocess":
        with inprocess_target() as answer:
            yield answer
    else:
        yield request.getfixturevalue("live_server").fresh_target()
